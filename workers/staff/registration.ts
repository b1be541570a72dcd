import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import { toBase64Url } from "../../lib/base64url";
import { fail, ok, type Result } from "../../lib/errors";
import { randomHex, sha256Hex } from "../../lib/ids";
import {
  ChallengeId,
  RegistrationResponse,
  SecretToken,
  STAFF_CHALLENGE_MS,
  STAFF_RP_NAME,
  type StaffInviteOptions,
  type StaffRole,
  type StaffSignedIn,
} from "../../lib/staff/schemas";
import { consumeStaffChallenge, findStaffInvite, insertStaffChallenge, registerStaffPasskey, type StaffInviteRow } from "../../services/db/staff";
import { newStaffSessionToken, parseStaffSite } from "./sessions";
import { FIRST_CENTER } from "../../lib/center/ids";

/**
 * Registering a passkey from an invite link: options for
 * `navigator.credentials.create`, then the browser's answer verified and
 * stored with the member, the first session and the spent invite in one
 * D1 batch (services/db/staff.ts `registerStaffPasskey`). The member is made
 * in the invite's center (`staff_invites.center_id`, the inviting admin's).
 */

/** What we accept: EdDSA, ES256, RS256 (listed, so the library does not probe the runtime for more). */
export const STAFF_ALGORITHMS = [-8, -7, -257];

const REGISTRATION_FAILED = "The passkey could not be registered. Open the invite link again to retry.";

type Invite = { tokenHash: string; row: StaffInviteRow; role: StaffRole };

const INVITE_INVALID = "This invite link is not valid, or was already used.";

/**
 * The invite behind a token: 404 unknown, used or revoked (a newer invite to
 * the address replaces it), 410 expired; 409 when it would create a member
 * at an address that already is one (an invite made before that was refused:
 * it must not lend the member a passkey, nor hand out the invite's role);
 * 403 for a passkey link whose member was disabled. A passkey link registers
 * with its member's role as it is now.
 */
async function openInvite(db: D1Database, inviteToken: unknown, now: number): Promise<Result<Invite>> {
  const token = SecretToken.safeParse(inviteToken);
  if (!token.success) return fail("not_found:invite", INVITE_INVALID);
  const tokenHash = await sha256Hex(token.data);
  const row = await findStaffInvite(db, { tokenHash });
  if (!row || row.usedAt !== null || row.revokedAt !== null) return fail("not_found:invite", INVITE_INVALID);
  if (row.expiresAt <= now) return fail("gone:invite", "This invite link has expired. Ask an admin for a new one.");
  if (row.memberId === null) {
    if (row.holderId !== null) return fail("conflict:staff_member", "This address already belongs to a staff member. Ask an admin for a new passkey link from the Staff members page.");
    return ok({ tokenHash, row, role: row.role });
  }
  if (row.holderId !== row.memberId || row.holderRole === null) return fail("not_found:invite", INVITE_INVALID);
  if (row.holderDisabledAt !== null) return fail("forbidden:staff", "This staff account is disabled. Ask an admin.");
  return ok({ tokenHash, row, role: row.holderRole });
}

/**
 * The user handle the authenticator stores with the passkey: derived from the
 * email (SHA-256, first 16 bytes), so a second invite for the same person
 * replaces their passkey on a device rather than adding a look-alike, and the
 * handle carries no readable address. Another center's member with the same
 * address is another account: their handle names the center too (the first
 * center's handles stay as they were made).
 */
async function userHandle(center: string, email: string): Promise<Uint8Array<ArrayBuffer>> {
  const name = center === FIRST_CENTER ? email : `${center}:${email}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`tutor-chat staff:${name}`));
  return new Uint8Array(digest.slice(0, 16));
}

export async function staffInviteOptions({
  db,
  inviteToken,
  site,
  now,
}: {
  db: D1Database;
  inviteToken: unknown;
  site: unknown;
  now: number;
}): Promise<Result<StaffInviteOptions>> {
  const where = parseStaffSite(site);
  if (!where.ok) return where;
  const invite = await openInvite(db, inviteToken, now);
  if (!invite.ok) return invite;
  const { email } = invite.value.row;
  const { role } = invite.value;
  const options = await generateRegistrationOptions({
    rpName: STAFF_RP_NAME,
    rpID: where.value.rpId,
    userName: email,
    userDisplayName: email,
    userID: await userHandle(invite.value.row.centerId, email),
    timeout: STAFF_CHALLENGE_MS,
    attestationType: "none",
    // "required": a passkey that checks the person (fingerprint, face, PIN), verified again in staffRegister.
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: STAFF_ALGORITHMS,
  });
  const challengeId = crypto.randomUUID();
  await insertStaffChallenge(db, {
    id: challengeId,
    challenge: options.challenge,
    purpose: "register",
    inviteTokenHash: invite.value.tokenHash,
    now,
    expiresAt: now + STAFF_CHALLENGE_MS,
  });
  return ok({ options, challengeId, email, role });
}

/**
 * Verifies the browser's `create` answer against the consumed challenge, the
 * site's origin and rpId, and that the authenticator verified the person, then stores it. The invite is checked first (404,
 * 410), the challenge is spent whatever follows, and a failed verification
 * writes nothing else (401).
 */
export async function staffRegister({
  db,
  inviteToken,
  challengeId,
  response,
  site,
  now,
}: {
  db: D1Database;
  inviteToken: unknown;
  challengeId: unknown;
  response: unknown;
  site: unknown;
  now: number;
}): Promise<Result<StaffSignedIn>> {
  const where = parseStaffSite(site);
  if (!where.ok) return where;
  const invite = await openInvite(db, inviteToken, now);
  if (!invite.ok) return invite;
  const id = ChallengeId.safeParse(challengeId);
  const answer = RegistrationResponse.safeParse(response);
  if (!id.success || !answer.success) return fail("unauthorized:staff", REGISTRATION_FAILED);
  const challenge = await consumeStaffChallenge(db, { id: id.data, now });
  if (!challenge || challenge.purpose !== "register" || challenge.inviteTokenHash !== invite.value.tokenHash) return fail("unauthorized:staff", REGISTRATION_FAILED);

  const verification = await verifyRegistrationResponse({
    response: answer.data,
    expectedChallenge: challenge.challenge,
    expectedOrigin: where.value.origin,
    expectedRPID: where.value.rpId,
    requireUserVerification: true,
    supportedAlgorithmIDs: STAFF_ALGORITHMS,
  }).catch(() => null);
  if (!verification?.verified) return fail("unauthorized:staff", REGISTRATION_FAILED);

  const { credential } = verification.registrationInfo;
  const session = await newStaffSessionToken(now);
  const member = await registerStaffPasskey(db, {
    inviteTokenHash: invite.value.tokenHash,
    newStaffId: `staff-${randomHex(16)}`,
    passkey: {
      credentialId: credential.id,
      publicKey: toBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
    },
    session: { tokenHash: session.tokenHash, expiresAt: session.expiresAt },
    now,
  }).catch((error: unknown) => {
    // The same authenticator offered again (its credential id is the key): the batch rolled back.
    if (/UNIQUE constraint failed: staff_passkeys/i.test(`${error} ${error instanceof Error ? String(error.cause) : ""}`)) return "taken" as const;
    throw error;
  });
  if (member === "taken") return fail("conflict:passkey", "This passkey is already registered. Sign in with it instead.");
  if (!member) return whyNotRegistered(db, inviteToken, now);
  return ok({ session: { token: session.token, expiresAt: session.expiresAt }, member });
}

/** The batch's guard refused (a racing registration won, the invite was revoked or just expired, its address became a member's, or its member is disabled): say which. */
async function whyNotRegistered(db: D1Database, inviteToken: unknown, now: number): Promise<Result<never>> {
  const invite = await openInvite(db, inviteToken, now);
  if (!invite.ok) return invite;
  return fail("forbidden:staff", "This staff account is disabled. Ask an admin.");
}
