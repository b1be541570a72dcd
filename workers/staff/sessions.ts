import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { newSecretToken, sha256Hex } from "../../lib/ids";
import {
  NewStaffInvite,
  SecretToken,
  STAFF_INVITE_MS,
  STAFF_SESSION_MS,
  StaffSite,
  type StaffInviteCreated,
  type StaffSessionInfo,
  type StaffSite as Site,
} from "../../lib/staff/schemas";
import { findStaffSession, insertStaffInvite, revokeStaffSession } from "../db/staff";
import { takeLimits, type LimiterEnv } from "../limits";

/**
 * Staff sessions and invites: the part of staff sign-in that needs no
 * WebAuthn. Tokens are 32 random bytes handed out once; D1 holds their
 * SHA-256, so a copy of the tables opens nothing.
 */

/** One message for every failed staff sign-in or session check: which part failed is nobody's business. */
export const STAFF_SIGN_IN_REFUSED = "Sign-in failed. Use a passkey registered for this site, or ask an admin for a new invite.";
export const staffRefused = () => fail("unauthorized:staff", STAFF_SIGN_IN_REFUSED);

/** A fresh session token, its hash for D1 and its end. */
export async function newStaffSessionToken(now: number): Promise<{ token: string; tokenHash: string; expiresAt: number }> {
  const token = newSecretToken();
  return { token, tokenHash: await sha256Hex(token), expiresAt: now + STAFF_SESSION_MS };
}

/** The site the web worker reports, or a 400: a wrong origin here is our configuration, not the user's doing. */
export function parseStaffSite(site: unknown): Result<Site> {
  const parsed = StaffSite.safeParse(site);
  return parsed.success ? ok(parsed.data) : fail("bad_request:body", "Invalid staff site (origin, rpId).", zodIssues(parsed.error));
}

/**
 * Who holds this session token: one indexed D1 read, no write. Unknown,
 * expired, revoked, or a disabled member all read as the same 401.
 */
export async function checkStaffSession({ db, sessionToken, now }: { db: D1Database; sessionToken: unknown; now: number }): Promise<Result<StaffSessionInfo>> {
  const token = SecretToken.safeParse(sessionToken);
  if (!token.success) return staffRefused();
  const session = await findStaffSession(db, { tokenHash: await sha256Hex(token.data), now });
  return session ? ok(session) : staffRefused();
}

/** Revokes the session (idempotent; an unknown token is already signed out). */
export async function signOutStaff({ db, sessionToken, now }: { db: D1Database; sessionToken: unknown; now: number }): Promise<Result<{ signedOut: true }>> {
  const token = SecretToken.safeParse(sessionToken);
  if (token.success) await revokeStaffSession(db, { tokenHash: await sha256Hex(token.data), now });
  return ok({ signedOut: true });
}

/** An admin invites someone by email and role: a one-time link token, valid STAFF_INVITE_MS. */
export async function inviteStaff({
  db,
  limiters,
  sessionToken,
  invite,
  now,
}: {
  db: D1Database;
  limiters: LimiterEnv;
  sessionToken: unknown;
  invite: unknown;
  now: number;
}): Promise<Result<StaffInviteCreated>> {
  const session = await checkStaffSession({ db, sessionToken, now });
  if (!session.ok) return session;
  if (session.value.member.role !== "admin") return fail("forbidden:staff", "Only an admin can invite staff.");
  const parsed = NewStaffInvite.safeParse(invite);
  if (!parsed.success) return fail("bad_request:body", "Invalid invite.", zodIssues(parsed.error));
  const tooMany = await takeLimits(limiters, [["staffInvitesPerMember", session.value.member.id]], now);
  if (tooMany) return tooMany;
  const inviteToken = newSecretToken();
  const expiresAt = now + STAFF_INVITE_MS;
  const stored = await insertStaffInvite(db, { tokenHash: await sha256Hex(inviteToken), ...parsed.data, createdBy: session.value.member.id, now, expiresAt });
  if (!stored) return fail("bad_request:body", "No tutor with that id (or the tutor is retired).", [{ path: "tutorId", message: "unknown tutor" }]);
  return ok({ inviteToken, expiresAt });
}

/**
 * A change by a signed-in member (inbox, schedule, settings, tutors), after their role was checked:
 * null when it may go ahead, else the 429 of LIMITS.staffChangesPerMember (one RateLimiter call).
 * The sidecar always has the binding; a desk built over a bare D1 (a test metering its statements) does not.
 */
export async function limitStaffChange(env: Partial<LimiterEnv>, session: StaffSessionInfo, now: number): Promise<Result<never> | null> {
  if (!env.RATE_LIMITER) return null;
  return takeLimits({ RATE_LIMITER: env.RATE_LIMITER }, [["staffChangesPerMember", session.member.id]], now);
}
