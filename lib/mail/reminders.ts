import { addDays, localNow, toMinutes, weekdayOf, zonedToEpoch } from "../calendar";
import { bookingMailText, type BookingMailFacts } from "./booking-mail";
import { mailPhrasesIn } from "./phrases";
import type { MailMessage } from "./mailer";

/**
 * Session reminders (docs/notifications.md, "Reminders"): when they are due and what they say.
 * Pure: the MailOutbox stores the times this computes and its alarm sends them.
 *
 * The offsets are the center's (`center_settings.reminder_hours`, set on /staff/settings), less the
 * ones the student turned off (`profiles.reminder_hours_off`, /notifications/preferences): both read
 * with the booking in the MailOutbox's one D1 statement (services/db/mail.ts).
 */

/** The default hours before the session's start at which the student is reminded, earliest first. */
export const REMINDER_HOURS = [24, 1] as const;

/** "24,1" (as stored) → [24, 1]; anything that is not a whole number of hours is left out. */
export function parseReminderHours(text: string | null | undefined): number[] {
  if (!text) return [];
  return [...new Set(text.split(",").map((part) => Number(part.trim())))].filter((hours) => Number.isInteger(hours) && hours >= 1 && hours <= 168).sort((a, b) => b - a);
}

/**
 * Quiet hours in the center's time zone (the student's own zone is not known: the booking has none):
 * from QUIET_START until QUIET_END the next morning nothing is reminded.
 */
export const QUIET_START = "21:00";
export const QUIET_END = "08:00";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ReminderPlan {
  hoursBefore: number;
  /** epoch ms at which the reminder is sent */
  sendAt: number;
}

/** Whether `at` falls in the quiet hours of `timeZone`. */
export function inQuietHours(at: number, timeZone: string): boolean {
  const minutes = localNow(new Date(at), timeZone).minutes;
  return minutes >= toMinutes(QUIET_START) || minutes < toMinutes(QUIET_END);
}

/** The end (QUIET_END) of the quiet period `at` lies in. */
export function quietHoursEnd(at: number, timeZone: string): number {
  const local = localNow(new Date(at), timeZone);
  const date = local.minutes >= toMinutes(QUIET_START) ? addDays(local.date, 1) : local.date;
  return zonedToEpoch(date, QUIET_END, timeZone);
}

/** The start (QUIET_START) of the quiet period `at` lies in. */
export function quietHoursStart(at: number, timeZone: string): number {
  const local = localNow(new Date(at), timeZone);
  const date = local.minutes >= toMinutes(QUIET_START) ? local.date : addDays(local.date, -1);
  return zonedToEpoch(date, QUIET_START, timeZone);
}

/**
 * When a reminder due at `due` may go out, or null if it may not: outside quiet hours, at once; in
 * them, at QUIET_END if that is still before the session's `start`; otherwise a minute before the
 * quiet hours began (the evening before an early session), if that is still after `now`; otherwise
 * never (a reminder in the night, or after the session began, would be worse than none).
 */
export function sendableAt(due: number, { start, now, timeZone }: { start: number; now: number; timeZone: string }): number | null {
  if (due >= start) return null;
  if (!inQuietHours(due, timeZone)) return due;
  const morning = quietHoursEnd(due, timeZone);
  if (morning < start) return morning;
  const evening = quietHoursStart(due, timeZone) - MINUTE;
  return evening > now ? evening : null;
}

/**
 * The reminders a booking made at `now` gets: one per offset in `hours` (default REMINDER_HOURS)
 * whose time has not passed yet (a booking 2 h ahead gets only the 1 h one), each moved out of quiet hours.
 */
export function reminderPlan({ start, now, timeZone, hours = REMINDER_HOURS }: { start: number; now: number; timeZone: string; hours?: readonly number[] }): ReminderPlan[] {
  const plans: ReminderPlan[] = [];
  for (const hoursBefore of hours) {
    const due = start - hoursBefore * HOUR;
    if (due <= now) continue;
    const sendAt = sendableAt(due, { start, now, timeZone });
    if (sendAt !== null) plans.push({ hoursBefore, sendAt });
  }
  return plans;
}

/** The session's start as epoch ms (its date and time are wall-clock times in the center's zone). */
export function sessionStart(booking: Pick<BookingMailFacts, "date" | "start" | "timeZone">): number {
  return zonedToEpoch(booking.date, booking.start, booking.timeZone);
}

/** The student's reminder, in the booking's language: plain text, no invite (the calendar already has the event). */
export function reminderMessage(booking: BookingMailFacts): MailMessage {
  const say = mailPhrasesIn(booking.language);
  const slot = say.slot({ day: weekdayOf(booking.date), date: booking.date, start: booking.start, end: booking.end });
  return {
    to: booking.studentEmail,
    subject: say.subject.reminder(say.topic(booking.subject), booking.tutorName, slot),
    text: bookingMailText(booking, say, booking.studentName, [say.reminderLine(booking.tutorName)], say.reminderCancelHint),
    attachments: [],
  };
}
