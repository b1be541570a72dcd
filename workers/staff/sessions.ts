import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { newSecretToken, sha256Hex } from "../../lib/ids";
import { SecretToken, STAFF_SESSION_MS, StaffSite, type StaffMember, type StaffSessionInfo, type StaffSite as Site } from "../../lib/staff/schemas";
import { StaffDisplayNameInput } from "../../lib/staff/author";
import { findStaffSession, revokeStaffSession, setStaffDisplayName } from "../../services/db/staff";
import { takeLimits, type LimiterEnv } from "../../services/limits";
import { clock } from "../../lib/time";

/**
 * Staff sessions: the part of staff sign-in that needs no WebAuthn (invites
 * are an admin's, workers/staff/members.ts). Tokens are 32 random bytes handed out once; D1 holds their
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

/** A member names themselves for students' chats (any role; their own name only: the session says whose). */
export async function setOwnDisplayName({
  db,
  limiters,
  sessionToken,
  input,
  now,
}: {
  db: D1Database;
  /** The member's change limit (LIMITS.staffChangesPerMember); absent, none is taken. */
  limiters?: Partial<LimiterEnv>;
  sessionToken: unknown;
  input: unknown;
  now: number;
}): Promise<Result<{ member: StaffMember }>> {
  const session = await checkStaffSession({ db, sessionToken, now });
  if (!session.ok) return session;
  const parsed = StaffDisplayNameInput.safeParse(input);
  if (!parsed.success) return fail("bad_request:body", "A name is plain text of 1 to 60 characters, starting with a letter.", zodIssues(parsed.error));
  const tooMany = await limitStaffChange(limiters ?? {}, session.value, now);
  if (tooMany) return tooMany;
  const member = await setStaffDisplayName(db, { id: session.value.member.id, displayName: parsed.data.displayName });
  // Disabled between the session check and the write: the same refusal as a session that stopped working.
  return member ? ok({ member }) : staffRefused();
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

/**
 * The catalog desks' two doors (tutors, subject aliases): anyone signed in to the console may look,
 * with `canEdit` saying whether they may change anything; staff and admins change (within their
 * limit of changes), a tutor-role member does not (`refused` says what they may not change).
 */
export async function catalogViewer(env: { DB: D1Database }, sessionToken: unknown): Promise<Result<StaffSessionInfo & { canEdit: boolean }>> {
  const session = await checkStaffSession({ db: env.DB, sessionToken, now: clock.now() });
  return session.ok ? ok({ ...session.value, canEdit: session.value.member.role !== "tutor" }) : session;
}

export async function catalogEditor(env: { DB: D1Database } & Partial<LimiterEnv>, sessionToken: unknown, refused: string): Promise<Result<StaffSessionInfo>> {
  const session = await catalogViewer(env, sessionToken);
  if (!session.ok) return session;
  if (!session.value.canEdit) return fail("forbidden:staff", refused);
  return (await limitStaffChange(env, session.value, clock.now())) ?? session;
}
