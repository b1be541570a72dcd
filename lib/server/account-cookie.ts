import { z } from "../zod";
import { ACCOUNT_RECHECK_MS, AccountSessionId } from "../accounts/schemas";
import { readSignedJson, signJson } from "../signed-json";
import { OwnerId } from "../schemas";

/**
 * The account cookie: a device signed in to a student account (services/accounts.ts). Its value is
 * `{payload}.{HMAC-SHA256}`, the payload base64url JSON `{ s: session id, o: the account's owner id,
 * e: email, c: when the sidecar last said the session is signed in }`, signed with a key derived from
 * OWNER_COOKIE_SECRET for this purpose alone. HttpOnly, SameSite=Lax, a year long like the owner cookie.
 *
 * While `c` is within ACCOUNT_RECHECK_MS, the web worker trusts it with no call; after that one
 * `checkAccountSession` call (one D1 read) renews it or, for a session signed out elsewhere, drops it.
 */

export const ACCOUNT_COOKIE = "tutor_account";
const LABEL = "tutor-chat account cookie v1";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

const Claims = z.object({ s: AccountSessionId, o: OwnerId, e: z.string().max(254), c: z.number().int() });

export interface AccountClaims {
  sessionId: string;
  ownerId: string;
  email: string;
  checkedAt: number;
}

export async function signAccountCookie(secret: string, claims: AccountClaims): Promise<string> {
  return signJson(secret, LABEL, { s: claims.sessionId, o: claims.ownerId, e: claims.email, c: claims.checkedAt });
}

/** The cookie's claims if its signature holds; null for anything else (never throws). */
export async function readAccountCookie(secret: string, value: string | undefined): Promise<AccountClaims | null> {
  const claims = await readSignedJson(secret, LABEL, value, Claims);
  return claims ? { sessionId: claims.s, ownerId: claims.o, email: claims.e, checkedAt: claims.c } : null;
}

/** Whether the sidecar must be asked again before the cookie is trusted. */
export function needsRecheck(claims: AccountClaims, now: number): boolean {
  return now - claims.checkedAt >= ACCOUNT_RECHECK_MS || claims.checkedAt > now + 60_000;
}

export function accountCookieHeader(request: Request, value: string): string {
  return `${ACCOUNT_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ONE_YEAR_SECONDS}${new URL(request.url).protocol === "https:" ? "; Secure" : ""}`;
}

/** Signs the device out (its session ended, or the student pressed Sign out): the next request is the browser's anonymous owner. */
export const CLEARED_ACCOUNT_COOKIE = `${ACCOUNT_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

/** Campus sign-in's flow (state, nonce, PKCE verifier; signed by the sidecar): only the callback reads it. */
export const SSO_FLOW_COOKIE = "tutor_sso_flow";

/** Lax, so the provider's redirect back (a top-level GET from another site) carries it. */
export function ssoFlowCookie(request: Request, value: string, maxAgeSeconds: number): string {
  return `${SSO_FLOW_COOKIE}=${encodeURIComponent(value)}; Path=/api/account/sso; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${new URL(request.url).protocol === "https:" ? "; Secure" : ""}`;
}
