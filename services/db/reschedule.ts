import { centerOfOwner } from "../../lib/center/ids";
import { isLateCancel, startsAt, weekOf, type CenterPolicy } from "../../lib/center/policy";
import { slotFree, slotOffered, whySlotRefused, type SlotSql } from "./bookable";
import { localNow, weekdayOf } from "../../lib/calendar";
import type { Language } from "../../lib/tutoring/schemas";
import type { MoveRefusal } from "../../lib/tutoring/effect-outcome";

/** D1 queries for moving a confirmed booking to another slot (a reschedule). */

/** Where a booking is, or is to be: the tutor and the session's hour on a center-local date. */
export interface BookingSlot {
  tutorId: string;
  date: string;
  start: string;
  end: string;
}

export type MoveResult =
  /** `already`: the booking was at `to` before this call (a retried move): nothing was written. */
  | { ok: true; sessionId: string; from: BookingSlot; already: boolean; language: Language }
  | MoveRefusal;

interface Found extends BookingSlot {
  sessionId: string;
  /** the booking's (its chat's when made): what the notices about the move are said in */
  language: Language;
  studentEmail: string;
  mode: "online" | "in_person";
  cutoffHours: number;
}

async function findMovable(db: D1Database, { bookingId, ownerId }: { bookingId: string; ownerId: string }): Promise<Found | null> {
  return db
    .prepare(
      `SELECT b.session_id AS sessionId, b.tutor_id AS tutorId, b.date, b.start, b."end" AS "end", b.student_email AS studentEmail, b.mode, b.language,
              s.cancel_cutoff_hours AS cutoffHours
       FROM bookings b JOIN center_settings s ON s.center_id = ?3
       WHERE b.id = ?1 AND b.owner_id = ?2 AND b.status = 'confirmed'`,
    )
    .bind(bookingId, ownerId, centerOfOwner(ownerId))
    .first<Found>();
}

const sameSlot = (a: BookingSlot, b: BookingSlot) => a.tutorId === b.tutorId && a.date === b.date && a.start === b.start && a.end === b.end;

/**
 * Moves one of the owner's confirmed bookings to `to` (the same tutor or another), keeping its id:
 * one read (the booking where it is now, and the center's cutoff), then ONE conditional UPDATE of
 * that row, so the new slot is taken in the same write that frees the old one (never two bookings,
 * never none). The UPDATE decides everything itself, like insertOfferedBooking: the booking is still
 * where it was read (a concurrent move of the same booking loses), the ORIGINAL start is at least
 * cancel_cutoff_hours away, the new tutor teaches in the booking's mode and has those hours, the new
 * slot overlaps no other confirmed booking of theirs (the partial unique index on (tutor, date,
 * start) backs this up), and the center's rules hold for the new slot (lead time, horizon, closed
 * dates, opening hours, the weekly cap not counting this booking). The student's upcoming-sessions
 * limit is not checked again: a move leaves their count as it was.
 * Another owner's booking, or one cancelled or ended, is `not_found`; after the cutoff, `too_late`.
 */
/** The UPDATE's placeholders for the new slot (services/db/bookable.ts); the booking itself is left out of overlap and cap. */
const MOVED_TO: SlotSql = {
  tutor: "?3", date: "?4", start: "?5", end: "?6", weekday: "?13", mode: "?12", startsAt: "?14", now: "?7",
  today: "?15", monday: "?16", sunday: "?17", owner: "?2", email: "?18", excludeId: "?1", center: "?19",
};

export async function moveConfirmedBooking(
  db: D1Database,
  request: { bookingId: string; ownerId: string; to: BookingSlot; now: number },
  policy: CenterPolicy,
  language?: Language,
): Promise<MoveResult> {
  const { bookingId, ownerId, to, now } = request;
  const found = await findMovable(db, request);
  if (!found) return { ok: false, reason: "not_found" };
  const from: BookingSlot = { tutorId: found.tutorId, date: found.date, start: found.start, end: found.end };
  if (sameSlot(from, to)) return { ok: true, sessionId: found.sessionId, from, already: true, language: found.language };
  if (isLateCancel({ timeZone: policy.timeZone, cancelCutoffHours: found.cutoffHours }, from, new Date(now))) {
    return { ok: false, reason: "too_late", cutoffHours: found.cutoffHours };
  }
  if (!isCalendarDate(to.date) || to.start >= to.end) return { ok: false, reason: "unavailable" };
  const week = weekOf(to.date);
  const moved = await db
    .prepare(
      `UPDATE bookings SET tutor_id = ?3, date = ?4, start = ?5, "end" = ?6, updated_at = ?7
       WHERE id = ?1 AND owner_id = ?2 AND status = 'confirmed'
         AND tutor_id = ?8 AND date = ?9 AND start = ?10
         AND ?11 - ?7 >= (SELECT cancel_cutoff_hours FROM center_settings WHERE center_id = ?19) * 3600000
         AND EXISTS (SELECT 1 FROM tutors t JOIN center_settings s ON s.center_id = t.center_id WHERE ${slotOffered(MOVED_TO)})
         AND ${slotFree(MOVED_TO)}
       RETURNING id`,
    )
    .bind(
      bookingId, ownerId, to.tutorId, to.date, to.start, to.end, now,
      from.tutorId, from.date, from.start, startsAt(policy, from), found.mode, weekdayOf(to.date),
      startsAt(policy, to), localNow(new Date(now), policy.timeZone).date, week.monday, week.sunday, found.studentEmail, centerOfOwner(ownerId),
    )
    .first<{ id: string }>();
  if (moved) return { ok: true, sessionId: found.sessionId, from, already: false, language: found.language };
  return whyMoveRefused(db, { ...request, from, studentEmail: found.studentEmail, cutoffHours: found.cutoffHours }, policy, language);
}

/** Why the UPDATE refused (read only after a refusal), in the order the student can act on. */
async function whyMoveRefused(
  db: D1Database,
  move: { bookingId: string; ownerId: string; to: BookingSlot; now: number; from: BookingSlot; studentEmail: string; cutoffHours: number },
  policy: CenterPolicy,
  language?: Language,
): Promise<MoveResult> {
  const now = new Date(move.now);
  const still = await findMovable(db, move);
  // Cancelled, or moved by another tab, between the read and the write.
  if (!still) return { ok: false, reason: "not_found" };
  if (sameSlot(still, move.to)) return { ok: true, sessionId: still.sessionId, from: move.from, already: true, language: still.language };
  if (!sameSlot(still, move.from)) return { ok: false, reason: "error" };
  if (isLateCancel({ timeZone: policy.timeZone, cancelCutoffHours: still.cutoffHours }, move.from, now)) {
    return { ok: false, reason: "too_late", cutoffHours: still.cutoffHours };
  }
  return whySlotRefused(db, { ...move.to, ownerId: move.ownerId, studentEmail: move.studentEmail, now: move.now, excludeId: move.bookingId }, policy, language);
}

function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
}
