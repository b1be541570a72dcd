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
 *
 * Every function is one center's (`center`, the acting admin's): a member,
 * passkey or invite of another center is not found, exactly like an unknown
 * id, and "at least one enabled admin" holds per center.
 */

/** Another enabled admin of the center `?C` than ?1: the condition every demotion or disable of an admin must meet. */
const anotherActiveAdmin = (center: string) =>
  `EXISTS (SELECT 1 FROM staff_members o WHERE o.center_id = ${center} AND o.role = 'admin' AND o.disabled_at IS NULL AND o.id <> ?1)`;

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

/** The center's members (enabled first, then by email) with their passkeys: one batch, two reads of the small staff tables. */
export async function listStaffMembers(db: D1Database, { center }: { center: string }): Promise<StaffMemberEntry[]> {
  const [members, passkeys] = await db.batch<MemberRow | PasskeyRow>([
    db.prepare(`SELECT ${MEMBER_COLUMNS} FROM staff_members WHERE center_id = ? ORDER BY disabled_at IS NOT NULL, email`).bind(center),
    db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM staff_passkeys WHERE staff_id IN (SELECT id FROM staff_members WHERE center_id = ?) ORDER BY created_at`).bind(center),
  ]);
  const keys = (passkeys?.results ?? []) as PasskeyRow[];
  return ((members?.results ?? []) as MemberRow[]).map((member) => toEntry(member, keys));
}

/** One member of the center with their passkeys (primary key; the passkeys by a scan of that small table), or null. */
export async function findStaffMemberEntry(db: D1Database, { center, id }: { center: string; id: string }): Promise<StaffMemberEntry | null> {
  const [members, passkeys] = await db.batch<MemberRow | PasskeyRow>([
    db.prepare(`SELECT ${MEMBER_COLUMNS} FROM staff_members WHERE id = ? AND center_id = ?`).bind(id, center),
    db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM staff_passkeys WHERE staff_id = ? ORDER BY created_at`).bind(id),
  ]);
  const member = members?.results[0] as MemberRow | undefined;
  return member ? toEntry(member, (passkeys?.results ?? []) as PasskeyRow[]) : null;
}

/** The center's invites neither used, revoked nor expired, newest first, with the inviting admin's email. */
export async function listPendingStaffInvites(db: D1Database, { center, now }: { center: string; now: number }): Promise<StaffPendingInvite[]> {
  const { results } = await db
    .prepare(
      `SELECT i.token_hash AS id, i.email, i.role, i.tutor_id AS tutorId, i.member_id AS memberId, i.created_at AS createdAt,
              i.expires_at AS expiresAt, c.email AS createdBy
       FROM staff_invites i LEFT JOIN staff_members c ON c.id = i.created_by
       WHERE i.center_id = ? AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
       ORDER BY i.created_at DESC`,
    )
    .bind(center, now)
    .all<Omit<StaffPendingInvite, "tutorId" | "memberId"> & { tutorId: string | null; memberId: string | null }>();
  return results.map(({ tutorId, memberId, ...invite }) => ({ ...invite, ...(tutorId ? { tutorId } : {}), ...(memberId ? { memberId } : {}) }));
}

/** Why a change to a member was refused: read once, after the refusal (the statement itself decided). */
async function whyRefused(db: D1Database, { center, id, tutorId }: { center: string; id: string; tutorId?: string | null }): Promise<"not_found" | "last_admin" | "unknown_tutor"> {
  const row = await db
    .prepare(
      `SELECT (?2 IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ?2 AND center_id = ?3 AND retired_at IS NULL)) AS tutorOk
       FROM staff_members WHERE id = ?1 AND center_id = ?3`,
    )
    .bind(id, tutorId ?? null, center)
    .first<{ tutorOk: number }>();
  if (!row) return "not_found";
  return row.tutorOk ? "last_admin" : "unknown_tutor";
}

export type MemberChange = "changed" | "not_found" | "last_admin" | "unknown_tutor";

/**
 * Sets a member's role (and the tutor a tutor-role member sees; cleared for
 * other roles) in one UPDATE that holds only if an enabled admin of the center
 * remains and the tutor named is the center's and not retired. Applies from
 * the member's next request: every session check reads the role.
 */
export async function setStaffRole(db: D1Database, { center, id, role, tutorId }: { center: string; id: string; role: StaffRole; tutorId: string | null }): Promise<MemberChange> {
  const row = await db
    .prepare(
      `UPDATE staff_members SET role = ?2, tutor_id = ?3
       WHERE id = ?1 AND center_id = ?4 AND (?2 = 'admin' OR role <> 'admin' OR disabled_at IS NOT NULL OR ${anotherActiveAdmin("?4")})
         AND (?3 IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ?3 AND center_id = ?4 AND retired_at IS NULL))
       RETURNING id`,
    )
    .bind(id, role, tutorId, center)
    .first();
  return row ? "changed" : whyRefused(db, { center, id, tutorId });
}

/**
 * Disables a member and ends every session they hold, in one batch: the
 * member's flag (kept from a first disable; refused for the last enabled
 * admin), then their open sessions revoked, only if the flag is set. Their
 * next request is refused (the session check reads both), their passkeys
 * sign nobody in, and enabling them again revives no old session.
 */
export async function disableStaffMember(db: D1Database, { center, id, now }: { center: string; id: string; now: number }): Promise<MemberChange> {
  const [disabled] = await db.batch([
    db
      .prepare(
        `UPDATE staff_members SET disabled_at = COALESCE(disabled_at, ?2)
         WHERE id = ?1 AND center_id = ?3 AND (role <> 'admin' OR disabled_at IS NOT NULL OR ${anotherActiveAdmin("?3")}) RETURNING id`,
      )
      .bind(id, now, center),
    db
      .prepare(
        `UPDATE staff_sessions SET revoked_at = ?2
         WHERE staff_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
           AND EXISTS (SELECT 1 FROM staff_members WHERE id = ?1 AND center_id = ?3 AND disabled_at IS NOT NULL)`,
      )
      .bind(id, now, center),
  ]);
  return disabled?.results.length === 1 ? "changed" : whyRefused(db, { center, id });
}

/** Enables a member again (idempotent): their passkeys sign in; the sessions the disable ended stay ended. */
export async function enableStaffMember(db: D1Database, { center, id }: { center: string; id: string }): Promise<boolean> {
  const row = await db.prepare("UPDATE staff_members SET disabled_at = NULL WHERE id = ? AND center_id = ? RETURNING id").bind(id, center).first();
  return row !== null;
}

/**
 * Removes one of a member's passkeys and ends the sessions it opened (a lost
 * phone's open session with it), in one batch. False when it is not theirs
 * or already gone (nothing written).
 */
export async function removeStaffPasskey(
  db: D1Database,
  { center, memberId, credentialId, now }: { center: string; memberId: string; credentialId: string; now: number },
): Promise<boolean> {
  const ofCenter = "EXISTS (SELECT 1 FROM staff_members WHERE id = ?1 AND center_id = ?4)";
  const [, removed] = await db.batch([
    db
      .prepare(
        `UPDATE staff_sessions SET revoked_at = ?3
         WHERE staff_id = ?1 AND credential_id = ?2 AND revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM staff_passkeys WHERE credential_id = ?2 AND staff_id = ?1) AND ${ofCenter}`,
      )
      .bind(memberId, credentialId, now, center),
    db.prepare(`DELETE FROM staff_passkeys WHERE credential_id = ?2 AND staff_id = ?1 AND ${ofCenter.replace("?4", "?3")} RETURNING credential_id`).bind(memberId, credentialId, center),
  ]);
  return removed?.results.length === 1;
}

/** Revokes a pending invite of the center (primary key): its link opens nothing from now on. False when it is not pending. */
export async function revokeStaffInvite(db: D1Database, { center, id, now }: { center: string; id: string; now: number }): Promise<boolean> {
  const row = await db
    .prepare(
      "UPDATE staff_invites SET revoked_at = ?2 WHERE token_hash = ?1 AND center_id = ?3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?2 RETURNING token_hash",
    )
    .bind(id, now, center)
    .first();
  return row !== null;
}

/** Why an invite was refused: the address is a member's of the center already, or the tutor it names is unknown (to the center) or retired. */
export async function whyInviteRefused(db: D1Database, { center, email }: { center: string; email: string }): Promise<{ memberRole: StaffRole } | null> {
  const row = await db.prepare("SELECT role FROM staff_members WHERE center_id = ? AND email = ?").bind(center, email).first<{ role: StaffRole }>();
  return row ? { memberRole: row.role } : null;
}

/** Why a passkey link was refused: the member is unknown (to the center), or disabled. */
export async function memberState(db: D1Database, { center, id }: { center: string; id: string }): Promise<"unknown" | "disabled" | "enabled"> {
  const row = await db.prepare("SELECT disabled_at AS disabledAt FROM staff_members WHERE id = ? AND center_id = ?").bind(id, center).first<{ disabledAt: number | null }>();
  return !row ? "unknown" : row.disabledAt === null ? "enabled" : "disabled";
}
