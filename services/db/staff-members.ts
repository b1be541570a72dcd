import type { StaffMemberEntry, StaffPasskeyEntry, StaffPendingInvite } from "../../lib/staff/members";
import type { StaffRole } from "../../lib/staff/schemas";

/**
 * D1 queries for an admin's management of staff access (the members page).
 * What must hold across members (at least one enabled admin, a tutor link
 * that names a live tutor) is decided by SQLite inside the statement that
 * changes the member, never by a read followed by a write: D1 runs one write
 * at a time, so two admins demoting each other cannot both succeed. These
 * are rare actions over small tables: they scan `staff_sessions` and
 * `staff_invites` rather than add an index that every sign-in would write.
 */

/** Another enabled admin than ?1: the condition every demotion or disable of an admin must meet. */
const ANOTHER_ACTIVE_ADMIN = "EXISTS (SELECT 1 FROM staff_members o WHERE o.role = 'admin' AND o.disabled_at IS NULL AND o.id <> ?1)";

type MemberRow = { id: string; centerId: string; email: string; role: StaffRole; tutorId: string | null; createdAt: number; disabledAt: number | null };
type PasskeyRow = StaffPasskeyEntry & { staffId: string };

const MEMBER_COLUMNS = "id, center_id AS centerId, email, role, tutor_id AS tutorId, created_at AS createdAt, disabled_at AS disabledAt";
const PASSKEY_COLUMNS = "staff_id AS staffId, credential_id AS credentialId, created_at AS createdAt, last_used_at AS lastUsedAt";

function toEntry(member: MemberRow, passkeys: PasskeyRow[]): StaffMemberEntry {
  const own = passkeys.filter((passkey) => passkey.staffId === member.id).map(({ credentialId, createdAt, lastUsedAt }) => ({ credentialId, createdAt, lastUsedAt }));
  const used = own.map((passkey) => passkey.lastUsedAt).filter((at): at is number => at !== null);
  return {
    id: member.id,
    centerId: member.centerId,
    email: member.email,
    role: member.role,
    ...(member.tutorId ? { tutorId: member.tutorId } : {}),
    createdAt: member.createdAt,
    disabledAt: member.disabledAt,
    lastSignInAt: used.length ? Math.max(...used) : null,
    passkeys: own,
  };
}

/** Every member (enabled first, then by email) with their passkeys: one batch, two reads of the small staff tables. */
export async function listStaffMembers(db: D1Database): Promise<StaffMemberEntry[]> {
  const [members, passkeys] = await db.batch<MemberRow | PasskeyRow>([
    db.prepare(`SELECT ${MEMBER_COLUMNS} FROM staff_members ORDER BY disabled_at IS NOT NULL, email`),
    db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM staff_passkeys ORDER BY created_at`),
  ]);
  const keys = (passkeys?.results ?? []) as PasskeyRow[];
  return ((members?.results ?? []) as MemberRow[]).map((member) => toEntry(member, keys));
}

/** One member with their passkeys (primary key; the passkeys by a scan of that small table), or null. */
export async function findStaffMemberEntry(db: D1Database, { id }: { id: string }): Promise<StaffMemberEntry | null> {
  const [members, passkeys] = await db.batch<MemberRow | PasskeyRow>([
    db.prepare(`SELECT ${MEMBER_COLUMNS} FROM staff_members WHERE id = ?`).bind(id),
    db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM staff_passkeys WHERE staff_id = ? ORDER BY created_at`).bind(id),
  ]);
  const member = members?.results[0] as MemberRow | undefined;
  return member ? toEntry(member, (passkeys?.results ?? []) as PasskeyRow[]) : null;
}

/** Invites neither used, revoked nor expired, newest first, with the inviting admin's email. */
export async function listPendingStaffInvites(db: D1Database, { now }: { now: number }): Promise<StaffPendingInvite[]> {
  const { results } = await db
    .prepare(
      `SELECT i.token_hash AS id, i.email, i.role, i.tutor_id AS tutorId, i.member_id AS memberId, i.created_at AS createdAt,
              i.expires_at AS expiresAt, c.email AS createdBy
       FROM staff_invites i LEFT JOIN staff_members c ON c.id = i.created_by
       WHERE i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
       ORDER BY i.created_at DESC`,
    )
    .bind(now)
    .all<Omit<StaffPendingInvite, "tutorId" | "memberId"> & { tutorId: string | null; memberId: string | null }>();
  return results.map(({ tutorId, memberId, ...invite }) => ({ ...invite, ...(tutorId ? { tutorId } : {}), ...(memberId ? { memberId } : {}) }));
}

/** Why a change to a member was refused: read once, after the refusal (the statement itself decided). */
async function whyRefused(db: D1Database, { id, tutorId }: { id: string; tutorId?: string | null }): Promise<"not_found" | "last_admin" | "unknown_tutor"> {
  const row = await db
    .prepare(
      `SELECT (?2 IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ?2 AND retired_at IS NULL)) AS tutorOk
       FROM staff_members WHERE id = ?1`,
    )
    .bind(id, tutorId ?? null)
    .first<{ tutorOk: number }>();
  if (!row) return "not_found";
  return row.tutorOk ? "last_admin" : "unknown_tutor";
}

export type MemberChange = "changed" | "not_found" | "last_admin" | "unknown_tutor";

/**
 * Sets a member's role (and the tutor a tutor-role member sees; cleared for
 * other roles) in one UPDATE that holds only if an enabled admin remains and
 * the tutor named exists and is not retired. Applies from the member's next
 * request: every session check reads the role.
 */
export async function setStaffRole(db: D1Database, { id, role, tutorId }: { id: string; role: StaffRole; tutorId: string | null }): Promise<MemberChange> {
  const row = await db
    .prepare(
      `UPDATE staff_members SET role = ?2, tutor_id = ?3
       WHERE id = ?1 AND (?2 = 'admin' OR role <> 'admin' OR disabled_at IS NOT NULL OR ${ANOTHER_ACTIVE_ADMIN})
         AND (?3 IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ?3 AND retired_at IS NULL))
       RETURNING id`,
    )
    .bind(id, role, tutorId)
    .first();
  return row ? "changed" : whyRefused(db, { id, tutorId });
}

/**
 * Disables a member and ends every session they hold, in one batch: the
 * member's flag (kept from a first disable; refused for the last enabled
 * admin), then their open sessions revoked, only if the flag is set. Their
 * next request is refused (the session check reads both), their passkeys
 * sign nobody in, and enabling them again revives no old session.
 */
export async function disableStaffMember(db: D1Database, { id, now }: { id: string; now: number }): Promise<MemberChange> {
  const [disabled] = await db.batch([
    db
      .prepare(
        `UPDATE staff_members SET disabled_at = COALESCE(disabled_at, ?2)
         WHERE id = ?1 AND (role <> 'admin' OR disabled_at IS NOT NULL OR ${ANOTHER_ACTIVE_ADMIN}) RETURNING id`,
      )
      .bind(id, now),
    db
      .prepare(
        `UPDATE staff_sessions SET revoked_at = ?2
         WHERE staff_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
           AND EXISTS (SELECT 1 FROM staff_members WHERE id = ?1 AND disabled_at IS NOT NULL)`,
      )
      .bind(id, now),
  ]);
  return disabled?.results.length === 1 ? "changed" : whyRefused(db, { id });
}

/** Enables a member again (idempotent): their passkeys sign in; the sessions the disable ended stay ended. */
export async function enableStaffMember(db: D1Database, { id }: { id: string }): Promise<boolean> {
  const row = await db.prepare("UPDATE staff_members SET disabled_at = NULL WHERE id = ? RETURNING id").bind(id).first();
  return row !== null;
}

/**
 * Removes one of a member's passkeys and ends the sessions it opened (a lost
 * phone's open session with it), in one batch. False when it is not theirs
 * or already gone (nothing written).
 */
export async function removeStaffPasskey(db: D1Database, { memberId, credentialId, now }: { memberId: string; credentialId: string; now: number }): Promise<boolean> {
  const [, removed] = await db.batch([
    db
      .prepare(
        `UPDATE staff_sessions SET revoked_at = ?3
         WHERE staff_id = ?1 AND credential_id = ?2 AND revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM staff_passkeys WHERE credential_id = ?2 AND staff_id = ?1)`,
      )
      .bind(memberId, credentialId, now),
    db.prepare("DELETE FROM staff_passkeys WHERE credential_id = ?2 AND staff_id = ?1 RETURNING credential_id").bind(memberId, credentialId),
  ]);
  return removed?.results.length === 1;
}

/** Revokes a pending invite (primary key): its link opens nothing from now on. False when it is not pending. */
export async function revokeStaffInvite(db: D1Database, { id, now }: { id: string; now: number }): Promise<boolean> {
  const row = await db
    .prepare("UPDATE staff_invites SET revoked_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?2 RETURNING token_hash")
    .bind(id, now)
    .first();
  return row !== null;
}

/** Why an invite was refused: the address is a member's already, or the tutor it names is unknown or retired. */
export async function whyInviteRefused(db: D1Database, { email }: { email: string }): Promise<{ memberRole: StaffRole } | null> {
  const row = await db.prepare("SELECT role FROM staff_members WHERE email = ?").bind(email).first<{ role: StaffRole }>();
  return row ? { memberRole: row.role } : null;
}

/** Why a passkey link was refused: the member is unknown, or disabled. */
export async function memberState(db: D1Database, { id }: { id: string }): Promise<"unknown" | "disabled" | "enabled"> {
  const row = await db.prepare("SELECT disabled_at AS disabledAt FROM staff_members WHERE id = ?").bind(id).first<{ disabledAt: number | null }>();
  return !row ? "unknown" : row.disabledAt === null ? "enabled" : "disabled";
}
