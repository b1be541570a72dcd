import type { StaffMember, StaffRole } from "../../lib/staff/schemas";

/**
 * D1 queries for staff sign-in (services/db/ holds every D1 query: each a
 * named function taking the database and one object argument). Plain
 * prepared statements: what must happen at most once (an invite, a challenge,
 * a counter step) is decided by SQLite inside one statement or one batch
 * (a transaction), never by a read followed by a write. Every token column
 * holds the SHA-256 hex of the token.
 */

/**
 * An invite as its link finds it, with the member its address belongs to
 * (`holder*`, null when none): an invite that creates a member is refused for
 * an address that already is one; a passkey link (`memberId`) registers for
 * its member, with that member's role as it is now.
 */
export type StaffInviteRow = {
  centerId: string;
  email: string;
  role: StaffRole;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
  memberId: string | null;
  holderId: string | null;
  holderRole: StaffRole | null;
  holderDisabledAt: number | null;
};
export type StaffChallengeRow = { challenge: string; purpose: "register" | "sign_in"; inviteTokenHash: string | null; expiresAt: number };
export type StaffPasskeyRow = {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string;
  member: StaffMember;
  disabledAt: number | null;
};

type MemberColumns = { id: string; centerId: string; email: string; role: StaffRole; tutorId: string | null; displayName: string | null };
const toMember = (row: MemberColumns): StaffMember => ({
  id: row.id,
  centerId: row.centerId,
  email: row.email,
  role: row.role,
  ...(row.tutorId ? { tutorId: row.tutorId } : {}),
  ...(row.displayName ? { displayName: row.displayName } : {}),
});
/** The member's columns as `toMember` reads them, from `staff_members` aliased `m`. */
const MEMBER = "m.id, m.center_id AS centerId, m.email, m.role, m.tutor_id AS tutorId, m.display_name AS displayName";

/**
 * Stores an invite of `center` that creates a member there, and revokes any
 * invite of that center still open for the same address (so only the newest
 * link works), in one batch. Both statements carry the same guard: the address
 * is not a member of the center already, and a tutor it names is the center's,
 * and not retired. False when refused (nothing written): the caller reads why.
 */
export async function insertStaffInvite(
  db: D1Database,
  invite: { center: string; tokenHash: string; email: string; role: StaffRole; tutorId?: string; createdBy: string | null; now: number; expiresAt: number },
): Promise<boolean> {
  // D1 binds exactly the parameters a statement names: each statement numbers its own.
  const guard = (center: string, email: string, tutor: string) => `NOT EXISTS (SELECT 1 FROM staff_members m WHERE m.center_id = ${center} AND m.email = ${email})
    AND (${tutor} IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ${tutor} AND center_id = ${center} AND retired_at IS NULL))`;
  const tutorId = invite.tutorId ?? null;
  const [, inserted] = await db.batch([
    db
      .prepare(`UPDATE staff_invites SET revoked_at = ?3 WHERE center_id = ?4 AND email = ?1 AND used_at IS NULL AND revoked_at IS NULL AND ${guard("?4", "?1", "?2")}`)
      .bind(invite.email, tutorId, invite.now, invite.center),
    db
      .prepare(
        `INSERT INTO staff_invites (token_hash, center_id, email, role, tutor_id, created_by, created_at, expires_at)
         SELECT ?1, ?8, ?2, ?3, ?4, ?5, ?6, ?7 WHERE ${guard("?8", "?2", "?4")}
         RETURNING token_hash`,
      )
      .bind(invite.tokenHash, invite.email, invite.role, tutorId, invite.createdBy, invite.now, invite.expiresAt, invite.center),
  ]);
  return (inserted?.results.length ?? 0) === 1;
}

/**
 * A new passkey link for an existing, enabled member of `center`: the invite
 * carries the member's id and center (registration adds the passkey to them,
 * role unchanged) and replaces any invite of the center still open for their
 * address, in one batch. False when the member is unknown, another center's,
 * or disabled (nothing written).
 */
export async function insertStaffPasskeyLink(
  db: D1Database,
  link: { center: string; tokenHash: string; memberId: string; createdBy: string; now: number; expiresAt: number },
): Promise<boolean> {
  const [, inserted] = await db.batch([
    db
      .prepare(
        `UPDATE staff_invites SET revoked_at = ?2
         WHERE center_id = ?3 AND email = (SELECT m.email FROM staff_members m WHERE m.id = ?1 AND m.center_id = ?3 AND m.disabled_at IS NULL)
           AND used_at IS NULL AND revoked_at IS NULL`,
      )
      .bind(link.memberId, link.now, link.center),
    db
      .prepare(
        `INSERT INTO staff_invites (token_hash, center_id, email, role, tutor_id, member_id, created_by, created_at, expires_at)
         SELECT ?1, m.center_id, m.email, m.role, m.tutor_id, m.id, ?3, ?4, ?5 FROM staff_members m WHERE m.id = ?2 AND m.center_id = ?6 AND m.disabled_at IS NULL
         RETURNING token_hash`,
      )
      .bind(link.tokenHash, link.memberId, link.createdBy, link.now, link.expiresAt, link.center),
  ]);
  return (inserted?.results.length ?? 0) === 1;
}

/** The invite behind a link (primary key), used or not, and its address's member of the invite's center (unique index): the caller says which refusal applies. */
export async function findStaffInvite(db: D1Database, { tokenHash }: { tokenHash: string }): Promise<StaffInviteRow | null> {
  return db
    .prepare(
      `SELECT i.center_id AS centerId, i.email, i.role, i.expires_at AS expiresAt, i.used_at AS usedAt, i.revoked_at AS revokedAt, i.member_id AS memberId,
              m.id AS holderId, m.role AS holderRole, m.disabled_at AS holderDisabledAt
       FROM staff_invites i LEFT JOIN staff_members m ON m.center_id = i.center_id AND m.email = i.email
       WHERE i.token_hash = ?`,
    )
    .bind(tokenHash)
    .first<StaffInviteRow>();
}

/**
 * Stores a challenge and sweeps the expired ones in the same batch (index
 * staff_challenges_by_expiry), so abandoned ceremonies do not pile up.
 */
export async function insertStaffChallenge(
  db: D1Database,
  challenge: { id: string; challenge: string; purpose: "register" | "sign_in"; inviteTokenHash: string | null; now: number; expiresAt: number },
): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM staff_challenges WHERE expires_at <= ?").bind(challenge.now),
    db
      .prepare("INSERT INTO staff_challenges (id, challenge, purpose, invite_token_hash, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(challenge.id, challenge.challenge, challenge.purpose, challenge.inviteTokenHash, challenge.expiresAt),
  ]);
}

/**
 * Takes a challenge out: `DELETE … RETURNING`, so of two requests presenting
 * the same id exactly one gets it. An expired one is deleted too, and
 * reported as absent.
 */
export async function consumeStaffChallenge(db: D1Database, { id, now }: { id: string; now: number }): Promise<StaffChallengeRow | null> {
  const row = await db
    .prepare("DELETE FROM staff_challenges WHERE id = ? RETURNING challenge, purpose, invite_token_hash AS inviteTokenHash, expires_at AS expiresAt")
    .bind(id)
    .first<StaffChallengeRow>();
  return row && row.expiresAt > now ? row : null;
}

/**
 * A new passkey from an invite, in one batch (one transaction): the member
 * (for an invite that creates one), the passkey, the first session, and the
 * invite marked used. Every statement carries the same guard (the invite is
 * open: unused, unrevoked, unexpired; an invite that creates a member finds
 * no other member at its address, so it never lends an existing member a
 * passkey or its role; a passkey link's member is enabled), which holds
 * until the last statement marks the invite used: SQLite runs one write
 * transaction at a time, so a racing registration of the same invite finds
 * it used and writes nothing. Null when the guard failed.
 */
export async function registerStaffPasskey(
  db: D1Database,
  input: {
    inviteTokenHash: string;
    newStaffId: string;
    passkey: { credentialId: string; publicKey: string; counter: number; transports: string };
    session: { tokenHash: string; expiresAt: number };
    now: number;
  },
): Promise<StaffMember | null> {
  const { inviteTokenHash: invite, newStaffId, passkey, session, now } = input;
  // ?1 the invite, ?2 now, ?3 the new member's id (only this batch's member may hold the address).
  const guard = (i: string) => `${i}.token_hash = ?1 AND ${i}.used_at IS NULL AND ${i}.revoked_at IS NULL AND ${i}.expires_at > ?2
    AND CASE WHEN ${i}.member_id IS NULL
      THEN NOT EXISTS (SELECT 1 FROM staff_members d WHERE d.center_id = ${i}.center_id AND d.email = ${i}.email AND d.id <> ?3)
      ELSE EXISTS (SELECT 1 FROM staff_members d WHERE d.id = ${i}.member_id AND d.center_id = ${i}.center_id AND d.email = ${i}.email AND d.disabled_at IS NULL) END`;
  const memberOf = "COALESCE(i.member_id, ?3)";
  const results = await db.batch<Partial<MemberColumns>>([
    db
      .prepare(
        `INSERT INTO staff_members (id, center_id, email, role, tutor_id, created_at) SELECT ?3, i.center_id, i.email, i.role, i.tutor_id, ?2 FROM staff_invites i
         WHERE i.member_id IS NULL AND ${guard("i")}
         ON CONFLICT (center_id, email) DO NOTHING`,
      )
      .bind(invite, now, newStaffId),
    db
      .prepare(
        `INSERT INTO staff_passkeys (credential_id, staff_id, public_key, counter, transports, created_at, last_used_at)
         SELECT ?4, ${memberOf}, ?5, ?6, ?7, ?2, ?2 FROM staff_invites i WHERE ${guard("i")}`,
      )
      .bind(invite, now, newStaffId, passkey.credentialId, passkey.publicKey, passkey.counter, passkey.transports),
    db
      .prepare(
        `INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at, credential_id)
         SELECT ?4, ${memberOf}, ?2, ?5, ?6 FROM staff_invites i WHERE ${guard("i")}`,
      )
      .bind(invite, now, newStaffId, session.tokenHash, session.expiresAt, passkey.credentialId),
    // Last: this ends the guard for any statement after it, here or in a racing batch.
    db.prepare(`UPDATE staff_invites SET used_at = ?2 WHERE ${guard("staff_invites")} RETURNING email`).bind(invite, now, newStaffId),
    // Read only, and only meaningful when the UPDATE above claimed the invite.
    db
      .prepare(`SELECT ${MEMBER} FROM staff_passkeys p JOIN staff_members m ON m.id = p.staff_id WHERE p.credential_id = ?`)
      .bind(passkey.credentialId),
  ]);
  const claimed = results[3]?.results.length === 1 ? results[4]?.results[0] : undefined;
  return claimed ? toMember(claimed as MemberColumns) : null;
}

/** The passkey a sign-in presents, with its member (both by primary key): one read. */
export async function findStaffPasskey(db: D1Database, { credentialId }: { credentialId: string }): Promise<StaffPasskeyRow | null> {
  const row = await db
    .prepare(
      `SELECT p.credential_id AS credentialId, p.public_key AS publicKey, p.counter, p.transports,
              ${MEMBER}, m.disabled_at AS disabledAt
       FROM staff_passkeys p JOIN staff_members m ON m.id = p.staff_id
       WHERE p.credential_id = ?`,
    )
    .bind(credentialId)
    .first<Omit<StaffPasskeyRow, "member"> & MemberColumns>();
  return row && { credentialId: row.credentialId, publicKey: row.publicKey, counter: row.counter, transports: row.transports, member: toMember(row), disabledAt: row.disabledAt };
}

/**
 * A verified sign-in, in one batch: the passkey's counter moves from the
 * value the verification was checked against (compare-and-set, so two
 * assertions checked against the same stored counter cannot both pass), then
 * the session opens only if the passkey now holds exactly that step (its new
 * counter and this sign-in's time) and the member is enabled. The guard is
 * the stored state, not `changes()`, so it does not depend on how the batch
 * is executed. False when either refused.
 */
export async function recordStaffSignIn(
  db: D1Database,
  input: { credentialId: string; previousCounter: number; counter: number; session: { tokenHash: string; expiresAt: number }; now: number },
): Promise<boolean> {
  const { credentialId, previousCounter, counter, session, now } = input;
  const results = await db.batch([
    db.prepare("UPDATE staff_passkeys SET counter = ?3, last_used_at = ?4 WHERE credential_id = ?1 AND counter = ?2").bind(credentialId, previousCounter, counter, now),
    db
      .prepare(
        `INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at, credential_id)
         SELECT ?5, p.staff_id, ?4, ?6, p.credential_id FROM staff_passkeys p JOIN staff_members m ON m.id = p.staff_id
         WHERE p.credential_id = ?1 AND p.counter = ?3 AND p.last_used_at = ?4 AND m.disabled_at IS NULL
         RETURNING staff_id`,
      )
      .bind(credentialId, previousCounter, counter, now, session.tokenHash, session.expiresAt),
  ]);
  return (results[1]?.results.length ?? 0) === 1;
}

/** A live session and its enabled member: one read, by primary keys (staff_sessions, then staff_members). */
export async function findStaffSession(db: D1Database, { tokenHash, now }: { tokenHash: string; now: number }): Promise<{ member: StaffMember; expiresAt: number } | null> {
  const row = await db
    .prepare(
      `SELECT ${MEMBER}, s.expires_at AS expiresAt
       FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_id
       WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND m.disabled_at IS NULL`,
    )
    .bind(tokenHash, now)
    .first<MemberColumns & { expiresAt: number }>();
  return row && { member: toMember(row), expiresAt: row.expiresAt };
}

/** Idempotent: a session already revoked keeps its first date (and costs no write). */
export async function revokeStaffSession(db: D1Database, { tokenHash, now }: { tokenHash: string; now: number }): Promise<void> {
  await db.prepare("UPDATE staff_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL").bind(now, tokenHash).run();
}

/** How long expired or revoked sessions and used, revoked or expired invites are kept (for "who signed in when") before the weekly purge. */
export const STAFF_TOKEN_RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * The weekly cron's sweep: sessions and invites that ended more than
 * STAFF_TOKEN_RETENTION_MS ago, and every challenge past its expiry (a
 * challenge is only ever swept on the next sign-in otherwise). One batch of
 * three DELETEs; the tables are small and scanned once a week.
 */
export async function purgeExpiredStaffTokens(db: D1Database, { now }: { now: number }): Promise<{ sessions: number; invites: number; challenges: number }> {
  const before = now - STAFF_TOKEN_RETENTION_MS;
  const [sessions, invites, challenges] = await db.batch([
    db.prepare("DELETE FROM staff_sessions WHERE expires_at < ?1 OR revoked_at < ?1").bind(before),
    db.prepare("DELETE FROM staff_invites WHERE expires_at < ?1 OR used_at < ?1 OR revoked_at < ?1").bind(before),
    db.prepare("DELETE FROM staff_challenges WHERE expires_at < ?").bind(now),
  ]);
  return { sessions: sessions?.meta.changes ?? 0, invites: invites?.meta.changes ?? 0, challenges: challenges?.meta.changes ?? 0 };
}

/** A member's name in students' chats (one row; a disabled member's is not changed). The member, or null. */
export async function setStaffDisplayName(db: D1Database, { id, displayName }: { id: string; displayName: string }): Promise<StaffMember | null> {
  const row = await db
    .prepare(
      `UPDATE staff_members SET display_name = ?2 WHERE id = ?1 AND disabled_at IS NULL
       RETURNING id, center_id AS centerId, email, role, tutor_id AS tutorId, display_name AS displayName`,
    )
    .bind(id, displayName)
    .first<MemberColumns>();
  return row ? toMember(row) : null;
}
