import { hasStarted } from "../../lib/center/policy";
import { DEFAULT_TIME_ZONE } from "../../lib/calendar";
import type { ScheduleBooking } from "../../lib/staff/schedule";
import type { Language } from "../../lib/tutoring/schemas";

/**
 * D1 queries for the staff schedule (services/db/ holds every D1 query). What
 * may happen is decided inside one conditional UPDATE each (a confirmed
 * booking, the caller's tutor, a session already started), never by a read
 * followed by a write; a refusal reads the booking once afterwards to say why.
 * The cancel reads first, to ask the one rule for a started session
 * (`hasStarted`); its UPDATE still requires the booking to be confirmed.
 *
 * Every query is one center's (`center`, the member's): a booking is the
 * center's when its tutor is (`tutors.center_id`), so another center's
 * booking is not found, exactly like an unknown id.
 */

/** The booking is of a tutor of the center bound as `center` (a primary-key probe of tutors). */
const OF_CENTER = (center: string) => `tutor_id IN (SELECT id FROM tutors WHERE center_id = ${center})`;

type WeekRow = Omit<ScheduleBooking, "lateCancel" | "flagged" | "started"> & { lateCancel: number };

/** The center's time zone (its settings row, unique index): what "today" and "this week" mean. */
export async function centerTimeZone(db: D1Database, { center }: { center: string }): Promise<string | null> {
  const row = await db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE center_id = ?").bind(center).first<{ timeZone: string }>();
  return row?.timeZone ?? null;
}

/**
 * The center's bookings from `from` to `to` (YYYY-MM-DD, inclusive), all its tutors or one,
 * by day, then start, then tutor (a range search of index bookings_by_date),
 * each with its tutor's name and the student's no-shows in the center's
 * window ending `today` (index bookings_no_shows, which holds only no-shows).
 * The limit and the window come from the settings row in the same statement.
 * With `reference`, only that booking. Beside it, in the same batch, the tutors to filter by.
 */
export async function listScheduleWeek(
  db: D1Database,
  { center, from, to, today, tutorId, reference }: { center: string; from: string; to: string; today: string; tutorId: string | null; reference?: string },
): Promise<{ bookings: Omit<ScheduleBooking, "started">[]; tutors: { id: string; name: string }[] }> {
  const [week, tutors] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `WITH s AS (SELECT no_show_limit AS noShowLimit, no_show_window_days AS noShowWindowDays FROM center_settings WHERE center_id = ?6)
         SELECT b.id, b.reference, b.tutor_id AS tutorId, t.name AS tutorName, b.date, b.start, b."end", b.student_name AS studentName,
                b.student_email AS studentEmail, b.mode, b.intake, b.subject, b.status, b.attendance, b.tutor_note AS tutorNote,
                b.cancelled_by AS cancelledBy, b.late_cancel AS lateCancel, b.cancel_reason AS cancelReason, b.mail_error AS mailError,
                (SELECT COUNT(*) FROM bookings n
                  WHERE n.student_email = b.student_email AND n.attendance = 'no_show'
                    AND n.date > date(?3, '-' || s.noShowWindowDays || ' days') AND n.date <= ?3
                    AND n.tutor_id IN (SELECT id FROM tutors WHERE center_id = ?6)) AS noShows,
                s.noShowLimit, s.noShowWindowDays
         FROM bookings b JOIN tutors t ON t.id = b.tutor_id AND t.center_id = ?6 CROSS JOIN s
         WHERE b.date >= ?1 AND b.date <= ?2 AND (?4 IS NULL OR b.tutor_id = ?4) AND (?5 IS NULL OR b.reference = ?5)
         ORDER BY b.date, b.start, t.name
         LIMIT 1000`,
      )
      .bind(from, to, today, tutorId, reference ?? null, center),
    tutorId === null
      ? db.prepare("SELECT id, name FROM tutors WHERE center_id = ? AND retired_at IS NULL ORDER BY name").bind(center)
      : db.prepare("SELECT id, name FROM tutors WHERE id = ? AND center_id = ?").bind(tutorId, center),
  ]);
  const rows = (week?.results ?? []) as WeekRow[];
  return {
    bookings: rows.map((row) => ({ ...row, lateCancel: row.lateCancel === 1, flagged: row.noShows >= row.noShowLimit })),
    tutors: (tutors?.results ?? []) as { id: string; name: string }[],
  };
}

/** The date of the booking with this number, on the viewer's schedule (the center's; a tutor's own only), or null. One read (index bookings_by_reference). */
export async function scheduleDateOf(db: D1Database, { center, reference, tutorId }: { center: string; reference: string; tutorId: string | null }): Promise<string | null> {
  const row = await db
    .prepare(`SELECT date FROM bookings WHERE reference = ?1 AND (?2 IS NULL OR tutor_id = ?2) AND ${OF_CENTER("?3")}`)
    .bind(reference, tutorId, center)
    .first<{ date: string }>();
  return row?.date ?? null;
}

export type CancelledByStaff = { sessionId: string; ownerId: string; tutorId: string; tutorName: string; date: string; start: string; end: string; language: Language };

/** What the center's cancel found: done, a session already started (refused: staff mark attendance), or no confirmed booking. */
export type StaffCancelOutcome = { ok: true; cancelled: CancelledByStaff } | { ok: false; reason: "not_found" } | { ok: false; reason: "started"; slot: { date: string; start: string } };

/**
 * The center cancels a confirmed booking of its own (its tutor is the center's; another center's
 * is not found): one read (the booking, its tutor's name for the chat's message, the center's zone),
 * then one conditional UPDATE (anything not confirmed by then is not
 * found), marked as the staff's doing with the reason, never late for the student. A session whose
 * start has come (`hasStarted`, lib/center/policy.ts) is refused before anything is written.
 */
export async function cancelByStaff(
  db: D1Database,
  { center, bookingId, reason, now }: { center: string; bookingId: string; reason: string; now: number },
): Promise<StaffCancelOutcome> {
  const found = await db
    .prepare(
      `SELECT b.date, b.start, t.name AS tutorName, s.time_zone AS timeZone
       FROM bookings b JOIN tutors t ON t.id = b.tutor_id AND t.center_id = ?2 LEFT JOIN center_settings s ON s.center_id = t.center_id
       WHERE b.id = ?1 AND b.status = 'confirmed'`,
    )
    .bind(bookingId, center)
    .first<{ date: string; start: string; tutorName: string; timeZone: string | null }>();
  if (!found) return { ok: false, reason: "not_found" };
  if (hasStarted({ timeZone: found.timeZone ?? DEFAULT_TIME_ZONE }, found, new Date(now))) return { ok: false, reason: "started", slot: { date: found.date, start: found.start } };
  const row = await db
    .prepare(
      `UPDATE bookings SET status = 'cancelled', cancelled_by = 'staff', cancel_reason = ?2, late_cancel = 0, updated_at = ?3
       WHERE id = ?1 AND status = 'confirmed' AND tutor_id IN (SELECT id FROM tutors WHERE center_id = ?4)
       RETURNING session_id AS sessionId, owner_id AS ownerId, tutor_id AS tutorId, date, start, "end", language`,
    )
    .bind(bookingId, reason, now, center)
    .first<Omit<CancelledByStaff, "tutorName">>();
  if (!row) return { ok: false, reason: "not_found" };
  return { ok: true, cancelled: { ...row, tutorName: found.tutorName } };
}

/** The scope of a change: the member's center; `tutorId` null for staff and admins, the member's tutor for a tutor. */
type Scope = { center: string; bookingId: string; tutorId: string | null; now: number };

/**
 * Marks attendance once the session has started at the center (`startedBy`:
 * the center's local "YYYY-MM-DD HH:MM" now), never on a cancelled booking,
 * and for a tutor only on their own sessions. Marking again corrects it.
 * Null when refused; else what it was before (read in the same transaction),
 * so a no-show is counted once however often it is marked.
 */
export async function markAttendance(
  db: D1Database,
  { center, bookingId, tutorId, now, attendance, startedBy }: Scope & { attendance: "attended" | "no_show"; startedBy: string },
): Promise<{ previous: "attended" | "no_show" | null; ownerId: string } | null> {
  const [before, updated] = await db.batch<{ attendance?: "attended" | "no_show" | null; ownerId?: string }>([
    db.prepare(`SELECT attendance FROM bookings WHERE id = ?1 AND ${OF_CENTER("?2")}`).bind(bookingId, center),
    db
      .prepare(
        `UPDATE bookings SET attendance = ?2, updated_at = ?3
         WHERE id = ?1 AND status <> 'cancelled' AND (?4 IS NULL OR tutor_id = ?4) AND date || ' ' || start <= ?5 AND ${OF_CENTER("?6")}
         RETURNING owner_id AS ownerId`,
      )
      .bind(bookingId, attendance, now, tutorId, startedBy, center),
  ]);
  const ownerId = updated?.results[0]?.ownerId;
  if (ownerId === undefined) return null;
  return { previous: before?.results[0]?.attendance ?? null, ownerId };
}

/** Sets (or, empty, clears) the session's note: a tutor only on their own sessions. */
export async function setTutorNote(db: D1Database, { center, bookingId, tutorId, now, note }: Scope & { note: string }): Promise<boolean> {
  const row = await db
    .prepare(`UPDATE bookings SET tutor_note = ?2, updated_at = ?3 WHERE id = ?1 AND (?4 IS NULL OR tutor_id = ?4) AND ${OF_CENTER("?5")} RETURNING id`)
    .bind(bookingId, note === "" ? null : note, now, tutorId, center)
    .first();
  return row !== null;
}

/** Why a change found no booking (read only after a refusal): another tutor's, or another center's, reads as absent. */
export async function whyScheduleRefused(
  db: D1Database,
  { center, bookingId, tutorId }: { center: string; bookingId: string; tutorId: string | null },
): Promise<{ reason: "not_found" } | { reason: "cancelled" } | { reason: "not_started"; date: string; start: string }> {
  const row = await db
    .prepare(`SELECT status, date, start FROM bookings WHERE id = ?1 AND (?2 IS NULL OR tutor_id = ?2) AND ${OF_CENTER("?3")}`)
    .bind(bookingId, tutorId, center)
    .first<{ status: string; date: string; start: string }>();
  if (!row) return { reason: "not_found" };
  return row.status === "cancelled" ? { reason: "cancelled" } : { reason: "not_started", date: row.date, start: row.start };
}
