import { centerOfOwner } from "../../lib/center/ids";
import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../lib/db/schema";
import { hasStarted, isLateCancel, startsAt, weekOf, type CenterPolicy } from "../../lib/center/policy";
import { LIMITS } from "../../lib/rate-limits";
import { slotFree, slotOffered, UPCOMING_COUNT, whySlotRefused, type SlotSql } from "./bookable";
import type { BookingSummary } from "../../lib/schemas";
import { localNow, weekdayOf } from "../../lib/calendar";
import { skillKeys } from "../../lib/tutoring/subject-key";
import type { BookingRefusal } from "../../lib/tutoring/effect-outcome";
import type { AssistantEffect } from "../../lib/tutoring/turn-types";
import type { Language } from "../../lib/tutoring/schemas";
import { newBookingReference, withNewReference } from "../../lib/ids";

/** D1 queries about bookings (services/db/ holds every D1 query). */

/** What the assistant asked to book, and for whom; `timeZone` is the center's, read in the same request. */
export type OfferedBooking = Extract<AssistantEffect, { type: "create_booking" }>["booking"] & {
  id: string;
  sessionId: string;
  ownerId: string;
  now: number;
  timeZone: string;
  /** the chat's language when the booking is made: its emails and notices are said in it (English when absent) */
  language?: Language;
};

/**
 * Inserts a confirmed booking only if the center offers it, decided by D1 in
 * the same statement (SQLite runs one write at a time, so nothing can slip in
 * between the checks and the insert): the tutor teaches in that mode, the
 * slot lies inside one of the tutor's hours on that weekday, it overlaps no
 * confirmed booking of the tutor that day, and the student (by owner or by
 * email) holds fewer than LIMITS.activeBookings sessions still to come.
 * The center's policies are read by the statement itself (center_settings,
 * center_hours, center_closed_dates), so an admin's change and a booking
 * cannot race: the start is at least min_lead_minutes away, the date at most
 * horizon_days ahead and not closed, the slot inside the weekday's opening
 * hours, and the student under the weekly cap for the session's week.
 * The tutor must be of the owner's center (`centerOfOwner`): another center's tutor is refused
 * exactly as an unknown one. Whatever the client sent, only what the center offers gets booked, and no
 * one script empties the calendar. The subject stored is the tutor's own
 * (`tutor_subjects.subject` of the subject asked for, else empty): the student's
 * search never reaches an email as typed. The new booking's reference (`mint`, drawn again when
 * another booking holds it); null when refused or already booked.
 */
/** The INSERT's placeholders for the slot (services/db/bookable.ts). */
const OFFERED: SlotSql = {
  tutor: "?4", date: "?5", start: "?6", end: "?7", weekday: "?13", mode: "?10", startsAt: "?16", now: "?12",
  today: "?14", monday: "?17", sunday: "?18", owner: "?3", email: "?9", center: "?23",
};

export async function insertOfferedBooking(db: D1Database, booking: OfferedBooking, mint = newBookingReference): Promise<string | null> {
  if (!isCalendarDate(booking.date) || booking.start >= booking.end) return null;
  const week = weekOf(booking.date);
  // The subject kept (and named in every email and invite) is the tutor's own spelling of it, never the client's text.
  const subject = skillKeys(booking.subject);
  const row = await withNewReference((reference) => db
    .prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, subject, status, created_at, updated_at, reminders_off, reference, language)
       SELECT ?1, ?2, ?3, t.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
              COALESCE((SELECT ts.subject FROM tutor_subjects ts WHERE ts.tutor_id = t.id AND ts.subject_key IN (?19, ?20) ORDER BY ts.subject_key = ?19 DESC LIMIT 1), ''),
              'confirmed', ?12, ?12,
              COALESCE((SELECT p.reminders_off FROM profiles p WHERE p.owner_id = ?3), 0), ?21, ?22
       FROM tutors t JOIN center_settings s ON s.center_id = t.center_id
       WHERE ${slotOffered(OFFERED)}
         AND ${slotFree(OFFERED)}
         AND (${UPCOMING_COUNT("?14", "?3", "?9")}) < ?15
       ON CONFLICT (id) DO NOTHING
       RETURNING reference`,
    )
    .bind(
      booking.id, booking.sessionId, booking.ownerId, booking.tutorId, booking.date, booking.start, booking.end,
      booking.studentName, booking.studentEmail, booking.mode, booking.intake, booking.now, weekdayOf(booking.date),
      localNow(new Date(booking.now), booking.timeZone).date, LIMITS.activeBookings.limit,
      startsAt(booking, booking), week.monday, week.sunday, subject[0], subject.at(-1), reference, booking.language ?? "en", centerOfOwner(booking.ownerId),
    )
    .first<{ reference: string }>(), referenceTaken, mint);
  return row?.reference ?? null;
}

/** The unique index on bookings.reference refused the reference drawn (and only that index). */
function referenceTaken(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /UNIQUE constraint failed: bookings\.reference/i.test(text);
}

/** Who a booking belongs to, and its reference (a retried booking message finds its own), or null. */
export async function findBookingOwner(db: D1Database, { id }: { id: string }): Promise<{ ownerId: string; sessionId: string; reference: string | null } | null> {
  const row = await drizzle(db, { schema })
    .select({ ownerId: schema.bookings.ownerId, sessionId: schema.bookings.sessionId, reference: schema.bookings.reference })
    .from(schema.bookings)
    .where(eq(schema.bookings.id, id))
    .get();
  return row ?? null;
}

/**
 * Why a booking was refused (read only after a refusal): a rule of the center's (worded for the
 * student from `policy`, read in the same request), the student's limit, the weekly cap, a taken
 * slot, or not offered.
 */
export async function whyBookingRefused(
  db: D1Database,
  booking: { tutorId: string; date: string; start: string; end: string; ownerId: string; studentEmail: string; now: number },
  policy: CenterPolicy,
  language?: Language,
): Promise<BookingRefusal> {
  return whySlotRefused(db, booking, policy, language);
}

/** What a student's cancel found: done (late or not), a session already started (refused), or no such confirmed booking. */
export type StudentCancel =
  | { ok: true; sessionId: string; lateCancel: boolean; cutoffHours: number; slot: { tutorId: string; date: string; start: string }; language: Language }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "started"; slot: { date: string; start: string } };

/**
 * The student cancels one of their confirmed bookings: one read (the booking, owner-checked, with
 * the center's zone and cutoff), then one conditional UPDATE. A session whose start has come
 * (`hasStarted`) is refused and nothing is written; another owner's booking, or one already
 * cancelled or ended, is not found. A cancel inside the cutoff happens and counts as late.
 */
export async function cancelConfirmedBooking(db: D1Database, { bookingId, ownerId, now }: { bookingId: string; ownerId: string; now: number }): Promise<StudentCancel> {
  const found = await db
    .prepare(
      `SELECT b.tutor_id AS tutorId, b.date, b.start, b.language, s.time_zone AS timeZone, s.cancel_cutoff_hours AS cutoffHours
       FROM bookings b JOIN center_settings s ON s.center_id = ?3
       WHERE b.id = ?1 AND b.owner_id = ?2 AND b.status = 'confirmed'`,
    )
    .bind(bookingId, ownerId, centerOfOwner(ownerId))
    .first<{ tutorId: string; date: string; start: string; language: Language; timeZone: string; cutoffHours: number }>();
  if (!found) return { ok: false, reason: "not_found" };
  if (hasStarted({ timeZone: found.timeZone }, found, new Date(now))) return { ok: false, reason: "started", slot: { date: found.date, start: found.start } };
  const lateCancel = isLateCancel({ timeZone: found.timeZone, cancelCutoffHours: found.cutoffHours }, found, new Date(now));
  const [cancelled] = await drizzle(db, { schema })
    .update(schema.bookings)
    .set({ status: "cancelled", updatedAt: now, cancelledBy: "student", lateCancel })
    .where(and(eq(schema.bookings.id, bookingId), eq(schema.bookings.ownerId, ownerId), eq(schema.bookings.status, "confirmed")))
    .returning({ sessionId: schema.bookings.sessionId });
  if (!cancelled) return { ok: false, reason: "not_found" };
  return { ok: true, sessionId: cancelled.sessionId, lateCancel, cutoffHours: found.cutoffHours, slot: { tutorId: found.tutorId, date: found.date, start: found.start }, language: found.language };
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
      reference: schema.bookings.reference,
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
