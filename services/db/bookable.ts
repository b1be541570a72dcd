import { checkSlot, weekOf, type CenterPolicy } from "../../lib/center/policy";
import { phrasesIn, type Language } from "../../lib/tutoring/phrases";
import { LIMITS } from "../../lib/rate-limits";
import { localNow, toClock, toMinutes, weekdayOf, zonedToEpoch } from "../../lib/calendar";
import { SESSION_MINUTES } from "../../lib/tutoring/match";
import type { BookingRefusal } from "../../lib/tutoring/effect-outcome";

/**
 * The one rule for "may this slot be booked", in SQL, shared by the booking's INSERT and the move's
 * UPDATE so a write decides it itself (SQLite runs one write at a time: nothing slips in between the
 * check and the write); and the one explainer, read only after a refusal, in the order the student
 * can act on. A move passes `excludeId`: its own booking neither overlaps the new slot nor counts
 * against the weekly cap.
 *
 * The SQL reads `t` (the tutor's row) and `s` (the tutor's center's center_settings row: callers
 * join `s.center_id = t.center_id`); each caller names its own placeholders (`?n`), so the
 * fragments fit its statement's numbering.
 */

/** The placeholders (or SQL expressions) a statement binds for the slot asked for. */
export interface SlotSql {
  /** The center the booking is made at (the owner's): a tutor of another center is not offered, as an unknown one. */
  center: string;
  tutor: string;
  date: string;
  start: string;
  end: string;
  /** The slot's weekday ("monday"…), for the tutor's and the center's hours. */
  weekday: string;
  /** The booking's mode: the tutor must teach in it. */
  mode: string;
  /** The slot's start (epoch ms, center time) and the time of the request (epoch ms). */
  startsAt: string;
  now: string;
  /** The center's today (YYYY-MM-DD) and the slot's week (Monday, Sunday). */
  today: string;
  monday: string;
  sunday: string;
  /** The student, by owner and by email (the caps count both). */
  owner: string;
  email: string;
  /** A move's own booking id. */
  excludeId?: string;
}

const except = (p: SlotSql, column: string) => (p.excludeId ? ` AND ${column} <> ${p.excludeId}` : "");

/**
 * A student's confirmed sessions from `today` on, by owner or by email. A UNION, not an OR: each
 * side is a search of its own index (bookings_by_owner, bookings_by_email), where the planner would
 * scan a whole index for the OR.
 */
export const UPCOMING_COUNT = (today: string, ownerId: string, email: string) =>
  `SELECT COUNT(*) FROM (
     SELECT id FROM bookings WHERE owner_id = ${ownerId} AND status = 'confirmed' AND date >= ${today}
     UNION SELECT id FROM bookings WHERE student_email = ${email} AND status = 'confirmed' AND date >= ${today})`;

/** A student's confirmed sessions in one week (Monday to Sunday), by owner or by email; the same UNION, for the same reason. */
export const WEEK_COUNT = (monday: string, sunday: string, ownerId: string, email: string, excludeId?: string) =>
  `SELECT COUNT(*) FROM (
     SELECT id FROM bookings WHERE owner_id = ${ownerId} AND status = 'confirmed' AND date BETWEEN ${monday} AND ${sunday}
     UNION SELECT id FROM bookings WHERE student_email = ${email} AND status = 'confirmed' AND date BETWEEN ${monday} AND ${sunday})${excludeId ? ` WHERE id <> ${excludeId}` : ""}`;

/** No other confirmed booking of the tutor overlaps the slot (the partial unique index on (tutor, date, start) backs this up). */
export function slotFree(p: SlotSql): string {
  return `NOT EXISTS (SELECT 1 FROM bookings o WHERE o.tutor_id = ${p.tutor} AND o.date = ${p.date} AND o.status = 'confirmed'${except(p, "o.id")} AND o.start < ${p.end} AND o."end" > ${p.start})`;
}

/**
 * The tutor offers the slot (not retired, teaches in the mode, has those hours) and the center's rules
 * allow it (lead time, horizon, not a closed date, inside opening hours, the student under the weekly cap).
 */
export function slotOffered(p: SlotSql): string {
  return `t.id = ${p.tutor}
         AND t.center_id = ${p.center}
         AND t.retired_at IS NULL
         AND (t.mode = 'both' OR t.mode = ${p.mode})
         AND EXISTS (SELECT 1 FROM tutor_availability a WHERE a.tutor_id = t.id AND a.day = ${p.weekday} AND a.start <= ${p.start} AND a."end" >= ${p.end})
         AND ${p.startsAt} - ${p.now} >= s.min_lead_minutes * 60000
         AND ${p.date} <= date(${p.today}, '+' || s.horizon_days || ' days')
         AND NOT EXISTS (SELECT 1 FROM center_closed_dates c WHERE c.center_id = t.center_id AND c.date = ${p.date})
         AND EXISTS (SELECT 1 FROM center_hours h WHERE h.center_id = t.center_id AND h.day = ${p.weekday} AND h.open <= ${p.start} AND h.close >= ${p.end})
         AND (s.weekly_cap IS NULL OR (${WEEK_COUNT(p.monday, p.sunday, p.owner, p.email, p.excludeId)}) < s.weekly_cap)`;
}

/**
 * Why the slot was refused (read only after a write refused it), in the order the student can act on:
 * a rule of the center's (worded from `policy`, read in the same request), then — in one statement —
 * the student's upcoming limit (a new booking only: a move leaves the count as it was), the weekly
 * cap, a taken slot; else the tutor does not offer it.
 */
export async function whySlotRefused(
  db: D1Database,
  slot: { tutorId: string; date: string; start: string; end: string; ownerId: string; studentEmail: string; now: number; excludeId?: string },
  policy: CenterPolicy,
  language?: Language,
): Promise<BookingRefusal> {
  // The rule is explained in the student's language (the chat's, or the booking's for a move).
  const verdict = checkSlot(policy, slot, new Date(slot.now), phrasesIn(language).rule);
  if (!verdict.ok) return { ok: false, reason: "policy", rule: verdict.rule, explanation: verdict.explanation };
  const week = weekOf(slot.date);
  const p: SlotSql = { center: "''", tutor: "?4", date: "?5", start: "?6", end: "?7", weekday: "''", mode: "''", startsAt: "0", now: "0", today: "?1", monday: "?8", sunday: "?9", owner: "?2", email: "?3", ...(slot.excludeId ? { excludeId: "?10" } : {}) };
  const row = await db
    .prepare(
      `SELECT
         (${UPCOMING_COUNT(p.today, p.owner, p.email)}) AS active,
         (${WEEK_COUNT(p.monday, p.sunday, p.owner, p.email, p.excludeId)}) AS thisWeek,
         NOT ${slotFree(p)} AS taken`,
    )
    .bind(localNow(new Date(slot.now), policy.timeZone).date, slot.ownerId, slot.studentEmail, slot.tutorId, slot.date, slot.start, slot.end, week.monday, week.sunday, ...(slot.excludeId ? [slot.excludeId] : []))
    .first<{ active: number; thisWeek: number; taken: number }>();
  if (row && !slot.excludeId && row.active >= LIMITS.activeBookings.limit) return { ok: false, reason: "limit" };
  if (row && policy.weeklyCap !== null && row.thisWeek >= policy.weeklyCap) return { ok: false, reason: "weekly_cap", cap: policy.weeklyCap };
  return { ok: false, reason: row?.taken ? "slot_taken" : "unavailable" };
}

/**
 * Whether a freed slot can still be offered to a waitlist: by the same rule a booking of it will meet
 * (`slotOffered`, `slotFree`): the tutor still has that hour, it is free, and the center's rules allow
 * it now (lead time, horizon, closed dates, opening hours), all of the tutor's center. The student's
 * own weekly cap and mode are theirs to meet when they book (and are explained then). Two reads: the
 * tutor's center's zone, then the rule.
 */
export async function slotStillOffered(db: D1Database, { tutorId, date, start, now }: { tutorId: string; date: string; start: string; now: number }): Promise<boolean> {
  const zone = await db
    .prepare("SELECT s.time_zone AS timeZone FROM tutors t JOIN center_settings s ON s.center_id = t.center_id WHERE t.id = ?")
    .bind(tutorId)
    .first<{ timeZone: string }>();
  if (!zone) return false;
  const end = toClock(toMinutes(start) + SESSION_MINUTES);
  const week = weekOf(date);
  const p: SlotSql = {
    center: "t.center_id", tutor: "?1", date: "?2", start: "?3", end: "?4", weekday: "?5", mode: "t.mode", startsAt: "?6", now: "?7",
    today: "?8", monday: "?9", sunday: "?10", owner: "''", email: "''",
  };
  const row = await db
    .prepare(`SELECT EXISTS (SELECT 1 FROM tutors t JOIN center_settings s ON s.center_id = t.center_id WHERE ${slotOffered(p)} AND ${slotFree(p)}) AS offered`)
    .bind(tutorId, date, start, end, weekdayOf(date), zonedToEpoch(date, start, zone.timeZone), now, localNow(new Date(now), zone.timeZone).date, week.monday, week.sunday)
    .first<{ offered: number }>();
  return row?.offered === 1;
}
