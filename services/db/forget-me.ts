import { centerOfOwner } from "../../lib/center/ids";
import { fail, type Result } from "../../lib/errors";
import { sha256Hex } from "../../lib/ids";

/**
 * D1 queries for "Forget me" (services/forget-me.ts): the tombstone of a forgotten owner id (its
 * SHA-256 only), the owner's bookings and waitlist slots to clean up, and the bookings' new owner.
 */

/** What the bookings of a forgotten owner are set to once they are no longer anybody's (not an owner id: nothing can sign in as it). */
export const FORGOTTEN_OWNER = "forgotten";

/**
 * Records that the owner asked to be forgotten (1 row written the first time; a retry writes none)
 * and answers when that first happened and whether this is a repeat. One batch.
 */
export async function recordForgotten(db: D1Database, { ownerId, now }: { ownerId: string; now: number }): Promise<{ forgottenAt: number; repeated: boolean }> {
  const hash = await sha256Hex(ownerId);
  const [inserted, row] = await db.batch<{ forgottenAt: number }>([
    db.prepare("INSERT INTO forgotten_owners (owner_hash, forgotten_at) VALUES (?1, ?2) ON CONFLICT (owner_hash) DO NOTHING").bind(hash, now),
    db.prepare("SELECT forgotten_at AS forgottenAt FROM forgotten_owners WHERE owner_hash = ?1").bind(hash),
  ]);
  return { forgottenAt: row?.results[0]?.forgottenAt ?? now, repeated: (inserted?.meta.changes ?? 0) === 0 };
}

/** Whether the owner asked to be forgotten: one read by key (0 rows for everyone else). */
export async function isForgotten(db: D1Database, { ownerId }: { ownerId: string }): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM forgotten_owners WHERE owner_hash = ?1").bind(await sha256Hex(ownerId)).first()) !== null;
}

/** The refusal every path gives a forgotten owner id (the web worker then drops the browser's cookie). */
export function ownerForgotten(): Result<never> {
  return fail("gone:owner", "This browser asked the tutoring center to forget it. Reload the page to start afresh.");
}

/** Null when the owner may act; the refusal when they asked to be forgotten. One read by key. */
export async function refuseForgotten(db: D1Database, input: { ownerId: string }): Promise<Result<never> | null> {
  return (await isForgotten(db, input)) ? ownerForgotten() : null;
}

export interface OwnedBooking {
  id: string;
  date: string;
  start: string;
  end: string;
  status: "confirmed" | "cancelled" | "ended";
}

/** Every booking the owner holds, with the center's zone (index bookings_by_owner; one row read per booking). */
export async function ownerBookings(db: D1Database, { ownerId }: { ownerId: string }): Promise<{ bookings: OwnedBooking[]; timeZone: string | null }> {
  const [bookings, zone] = await db.batch<Record<string, unknown>>([
    db.prepare(`SELECT id, date, start, "end", status FROM bookings WHERE owner_id = ?1 ORDER BY created_at`).bind(ownerId),
    db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE center_id = ?1").bind(centerOfOwner(ownerId)),
  ]);
  return { bookings: (bookings?.results ?? []) as unknown as OwnedBooking[], timeZone: (zone?.results[0]?.timeZone as string | undefined) ?? null };
}

/**
 * The bookings change hands in one batch: the upcoming ones (at most LIMITS.activeBookings) go to
 * the browser's new owner id, so they stay on its My bookings; every other booking of the old id
 * is no longer anybody's (FORGOTTEN_OWNER). One row written per booking, plus its entry in
 * bookings_by_owner.
 */
export async function handOverBookings(db: D1Database, { ownerId, newOwnerId, upcoming }: { ownerId: string; newOwnerId: string; upcoming: string[] }): Promise<void> {
  const moves: D1PreparedStatement[] = [];
  // D1 binds at most 100 values a statement.
  for (let start = 0; start < upcoming.length; start += 90) {
    const ids = upcoming.slice(start, start + 90);
    const placeholders = ids.map((_, index) => `?${index + 3}`).join(", ");
    moves.push(db.prepare(`UPDATE bookings SET owner_id = ?2 WHERE owner_id = ?1 AND id IN (${placeholders})`).bind(ownerId, newOwnerId, ...ids));
  }
  await db.batch([...moves, db.prepare("UPDATE bookings SET owner_id = ?2 WHERE owner_id = ?1").bind(ownerId, FORGOTTEN_OWNER)]);
}

/** The first join of a slot's waitlist by this owner (INSERT OR IGNORE: a join again writes nothing). One row. */
export async function recordWaitlistJoin(db: D1Database, slot: { ownerId: string; tutorId: string; date: string; start: string }): Promise<void> {
  await db
    .prepare("INSERT INTO waitlist_joins (owner_id, tutor_id, date, start) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
    .bind(slot.ownerId, slot.tutorId, slot.date, slot.start)
    .run();
}

/** Every slot whose waitlist the owner joined (the primary key's prefix: one row read each). */
export async function ownerWaitlistSlots(db: D1Database, { ownerId }: { ownerId: string }): Promise<{ tutorId: string; date: string; start: string }[]> {
  const { results } = await db
    .prepare("SELECT tutor_id AS tutorId, date, start FROM waitlist_joins WHERE owner_id = ?1")
    .bind(ownerId)
    .all<{ tutorId: string; date: string; start: string }>();
  return results;
}

/** Forgets the slots whose lines no longer hold the owner (one row written each). */
export async function forgetWaitlistSlots(db: D1Database, { ownerId, slots }: { ownerId: string; slots: { tutorId: string; date: string; start: string }[] }): Promise<void> {
  if (slots.length === 0) return;
  await db.batch(
    slots.map((slot) => db.prepare("DELETE FROM waitlist_joins WHERE owner_id = ?1 AND tutor_id = ?2 AND date = ?3 AND start = ?4").bind(ownerId, slot.tutorId, slot.date, slot.start)),
  );
}

/** The owner's profile (tier, email preferences, memory version): one row, by key. */
export async function deleteProfile(db: D1Database, { ownerId }: { ownerId: string }): Promise<boolean> {
  const result = await db.prepare("DELETE FROM profiles WHERE owner_id = ?1").bind(ownerId).run();
  return result.meta.changes > 0;
}
