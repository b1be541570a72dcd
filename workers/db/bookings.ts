import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../lib/db/schema";
import { LIMITS } from "../../lib/rate-limits";
import type { BookingSummary } from "../../lib/schemas";
import { localNow, weekdayOf } from "../../lib/tutoring/clock";
import type { AssistantEffect } from "../../lib/tutoring/turn-types";

/** D1 queries about bookings (workers/db/ holds every D1 query). */

/**
 * A student's confirmed sessions from `today` on, by owner or by email (the
 * parameters are SQL placeholders). A UNION, not an OR: each side is a search
 * of its own index (bookings_by_owner, bookings_by_email), where the planner
 * would scan a whole index for the OR.
 */
export const UPCOMING_COUNT = (today: string, ownerId: string, email: string) =>
  `SELECT COUNT(*) FROM (
     SELECT id FROM bookings WHERE owner_id = ${ownerId} AND status = 'confirmed' AND date >= ${today}
     UNION SELECT id FROM bookings WHERE student_email = ${email} AND status = 'confirmed' AND date >= ${today})`;

/** What the assistant asked to book, and for whom. */
export type OfferedBooking = Extract<AssistantEffect, { type: "create_booking" }>["booking"] & { id: string; sessionId: string; ownerId: string; now: number };

/**
 * Inserts a confirmed booking only if the center offers it, decided by D1 in
 * the same statement (SQLite runs one write at a time, so nothing can slip in
 * between the checks and the insert): the tutor teaches in that mode, the
 * slot lies inside one of the tutor's hours on that weekday, it overlaps no
 * confirmed booking of the tutor that day, and the student (by owner or by
 * email) holds fewer than LIMITS.activeBookings sessions still to come.
 * Whatever the client sent, only what the center offers gets booked, and no
 * one script empties the calendar. False when refused or already booked.
 */
export async function insertOfferedBooking(db: D1Database, booking: OfferedBooking): Promise<boolean> {
  if (!isCalendarDate(booking.date) || booking.start >= booking.end) return false;
  const row = await db
    .prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
       SELECT ?1, ?2, ?3, t.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'confirmed', ?12, ?12
       FROM tutors t
       WHERE t.id = ?4
         AND t.retired_at IS NULL
         AND (t.mode = 'both' OR t.mode = ?10)
         AND EXISTS (SELECT 1 FROM tutor_availability a WHERE a.tutor_id = t.id AND a.day = ?13 AND a.start <= ?6 AND a."end" >= ?7)
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.tutor_id = t.id AND b.date = ?5 AND b.status = 'confirmed' AND b.start < ?7 AND b."end" > ?6)
         AND (${UPCOMING_COUNT("?14", "?3", "?9")}) < ?15
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
    )
    .bind(
      booking.id, booking.sessionId, booking.ownerId, booking.tutorId, booking.date, booking.start, booking.end,
      booking.studentName, booking.studentEmail, booking.mode, booking.intake, booking.now, weekdayOf(booking.date),
      localNow(new Date(booking.now)).date, LIMITS.activeBookings.limit,
    )
    .first<{ id: string }>();
  return row !== null;
}

/** Who a booking belongs to (a retried booking message finds its own), or null. */
export async function findBookingOwner(db: D1Database, { id }: { id: string }): Promise<{ ownerId: string; sessionId: string } | null> {
  const row = await drizzle(db, { schema })
    .select({ ownerId: schema.bookings.ownerId, sessionId: schema.bookings.sessionId })
    .from(schema.bookings)
    .where(eq(schema.bookings.id, id))
    .get();
  return row ?? null;
}

/** Why a booking was refused (read only after a refusal): the student's limit, a taken slot, or not offered. */
export async function whyBookingRefused(
  db: D1Database,
  booking: { tutorId: string; date: string; start: string; end: string; ownerId: string; studentEmail: string; now: number },
): Promise<"limit" | "slot_taken" | "unavailable"> {
  const row = await db
    .prepare(
      `SELECT
         (${UPCOMING_COUNT("?1", "?2", "?3")}) AS active,
         EXISTS (SELECT 1 FROM bookings WHERE tutor_id = ?4 AND date = ?5 AND status = 'confirmed' AND start < ?6 AND "end" > ?7) AS taken`,
    )
    .bind(localNow(new Date(booking.now)).date, booking.ownerId, booking.studentEmail, booking.tutorId, booking.date, booking.end, booking.start)
    .first<{ active: number; taken: number }>();
  if (row && row.active >= LIMITS.activeBookings.limit) return "limit";
  return row?.taken ? "slot_taken" : "unavailable";
}

/** One conditional UPDATE: another owner's booking, or one already cancelled or ended, is "not found" (null). */
export async function cancelConfirmedBooking(
  db: D1Database,
  { bookingId, ownerId, now }: { bookingId: string; ownerId: string; now: number },
): Promise<{ sessionId: string } | null> {
  const [cancelled] = await drizzle(db, { schema })
    .update(schema.bookings)
    .set({ status: "cancelled", updatedAt: now })
    .where(and(eq(schema.bookings.id, bookingId), eq(schema.bookings.ownerId, ownerId), eq(schema.bookings.status, "confirmed")))
    .returning({ sessionId: schema.bookings.sessionId });
  return cancelled ?? null;
}

/** Only a confirmed booking ends: a cancelled one stays cancelled. */
export async function markBookingEnded(db: D1Database, { bookingId, now }: { bookingId: string; now: number }): Promise<void> {
  await drizzle(db, { schema })
    .update(schema.bookings)
    .set({ status: "ended", updatedAt: now })
    .where(and(eq(schema.bookings.id, bookingId), eq(schema.bookings.status, "confirmed")));
}

/** The owner's bookings, newest first (index bookings_by_owner). */
export async function listBookings(db: D1Database, { ownerId }: { ownerId: string }): Promise<BookingSummary[]> {
  return drizzle(db, { schema })
    .select({
      id: schema.bookings.id,
      sessionId: schema.bookings.sessionId,
      tutorId: schema.bookings.tutorId,
      tutorName: schema.tutors.name,
      date: schema.bookings.date,
      start: schema.bookings.start,
      end: schema.bookings.end,
      mode: schema.bookings.mode,
      status: schema.bookings.status,
      createdAt: schema.bookings.createdAt,
    })
    .from(schema.bookings)
    .innerJoin(schema.tutors, eq(schema.tutors.id, schema.bookings.tutorId))
    .where(eq(schema.bookings.ownerId, ownerId))
    .orderBy(desc(schema.bookings.createdAt))
    .limit(100);
}

function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
}
