import { AppError } from "../errors";
import { callSidecar } from "./call-sidecar";
import { ACCOUNT_COOKIE, accountCookieHeader, CLEARED_ACCOUNT_COOKIE, needsRecheck, readAccountCookie, signAccountCookie } from "./account-cookie";
import { centerOwnerCookie, identifyOwner, readCookie, type Owner } from "./owner-cookie";
import { centerOfOwner } from "../center/ids";
import type { SidecarApi } from "../sidecar-api";
import { centerOfRequest } from "./request-center";

/**
 * Who a request acts as. A device signed in to a student account acts as the account's owner id
 * (lib/server/account-cookie.ts), re-checked with the sidecar every ACCOUNT_RECHECK_MS; any other
 * browser as its own anonymous owner (lib/server/owner-cookie.ts), minted on first use. A session
 * signed out elsewhere drops the account cookie, and the device is its anonymous self again.
 *
 * Either is of the center the request's host names (lib/server/center.ts): an owner or an account
 * made at another center reads as absent here (a fresh owner, signed out), never as an error.
 */
export async function identifyVisitor(request: Request, secret: string, sidecar: SidecarApi): Promise<Owner> {
  const center = (await centerOfRequest(request, sidecar)).id;
  const account = await signedInAccount(request, secret, sidecar, center);
  if (account.owner) return account.owner;
  const owner = await identifyOwner(request, secret, center);
  return { ...owner, setCookies: [...account.setCookies, ...owner.setCookies] };
}

/** As `identifyVisitor`, but a browser with no owner yet stays without one (null): nothing is minted. */
export async function knownVisitor(request: Request, secret: string, sidecar: SidecarApi): Promise<Owner | null> {
  const center = (await centerOfRequest(request, sidecar)).id;
  const account = await signedInAccount(request, secret, sidecar, center);
  if (account.owner) return account.owner;
  const id = await centerOwnerCookie(request, secret, center);
  return id ? { id, setCookies: account.setCookies } : null;
}

/** The account the cookie names while its session is signed in; else the header that drops a dead cookie. */
async function signedInAccount(request: Request, secret: string, sidecar: SidecarApi, center: string): Promise<{ owner?: Owner; setCookies: string[] }> {
  const claims = await readAccountCookie(secret, readCookie(request.headers.get("cookie"), ACCOUNT_COOKIE));
  // Another center's account (a copied cookie): signed out here, and left alone for its own host.
  if (!claims || centerOfOwner(claims.ownerId) !== center) return { setCookies: [] };
  const now = Date.now();
  const account = { sessionId: claims.sessionId, email: claims.email };
  if (!needsRecheck(claims, now)) return { owner: { id: claims.ownerId, account, setCookies: [] }, setCookies: [] };
  const checked = await callSidecar(() => sidecar.checkAccountSession(claims.sessionId), { idempotent: true }).catch((error: unknown) => {
    // Signed out elsewhere (401): this device is signed out too. Anything else (the sidecar away) propagates.
    if (error instanceof AppError && error.code === "unauthorized:account") return null;
    throw error;
  });
  if (!checked) return { setCookies: [CLEARED_ACCOUNT_COOKIE] };
  if (centerOfOwner(checked.ownerId) !== center) return { setCookies: [] };
  const renewed = await signAccountCookie(secret, { ...claims, ownerId: checked.ownerId, email: checked.email, checkedAt: now });
  return { owner: { id: checked.ownerId, account: { ...account, email: checked.email }, setCookies: [accountCookieHeader(request, renewed)] }, setCookies: [] };
}
