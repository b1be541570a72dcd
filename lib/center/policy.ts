import { z } from "../zod";
import { addDays, DEFAULT_TIME_ZONE, formatDate, localNow, toClock, toMinutes, weekdayIndex, weekdayOf, zonedToEpoch } from "../calendar";
import { ClockTime, WEEKDAYS, Weekday } from "../tutoring/schemas";
import { AssistantPersona, DEFAULT_PERSONA } from "./persona";
import { EN } from "../tutoring/phrases/en";
import type { Phrases } from "../tutoring/phrases/types";

/**
 * The center's settings and booking policies (docs/bookings.md, "The center's rules"), and the pure
 * rules both workers and the stateless fallback apply: whether a slot may be booked at `now` and, if
 * not, why, worded for the student; whether a cancel is late; which week a date belongs to.
 * The booking INSERT enforces the same rules in SQL (services/db/bookings.ts); these decide what the
 * assistant offers and how it explains a refusal.
 */

/** An IANA zone name that this runtime's Intl knows ("America/Los_Angeles", "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}

export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((date) => !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date), "not a calendar date");

export const OpeningHours = z
  .object({ day: Weekday, open: ClockTime, close: ClockTime })
  .strict()
  .refine((hours) => hours.open < hours.close, { message: "opening must be before closing", path: ["close"] });
export type OpeningHours = z.infer<typeof OpeningHours>;

export const ClosedDate = z.object({ date: CalendarDate, reason: z.string().trim().max(120) }).strict();
export type ClosedDate = z.infer<typeof ClosedDate>;

/**
 * Hours before a session at which students are reminded by email (stored largest first, each once;
 * empty: the center sends no reminders). Whole hours from 1 to 7 days; at most 4.
 */
export const ReminderHours = z
  .array(z.number().int().min(1, "at least 1 hour before").max(168, "at most 168 hours (7 days) before"))
  .max(4, "at most 4 reminders")
  .refine((hours) => new Set(hours).size === hours.length, "each time at most once")
  .transform((hours) => [...hours].sort((a, b) => b - a));
export type ReminderHours = z.infer<typeof ReminderHours>;

/**
 * Whether a message the built-in reader cannot place may be read by a model (lib/tutoring/model-reader.ts):
 * "off", or "model" (used only where the deployment has the Workers AI binding).
 */
export const AssistantReader = z.enum(["off", "model"]);
export type AssistantReader = z.infer<typeof AssistantReader>;

/** What an admin edits in one form: everything but the closed dates, which are added and removed one by one. */
export const CenterSettingsInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    timeZone: z.string().max(64).refine(isTimeZone, "not a time zone this server knows (an IANA name such as America/Los_Angeles)"),
    /** minutes a session must start after it is booked */
    minLeadMinutes: z.number().int().min(0).max(60 * 24 * 30),
    /** how many days ahead a session may be booked (the last bookable date is today + horizonDays) */
    horizonDays: z.number().int().min(1).max(365),
    /** confirmed sessions per student per week (Monday to Sunday, center time); null: no cap */
    weeklyCap: z.number().int().min(1).max(50).nullable(),
    /** a cancel less than this many hours before the start is late */
    cancelCutoffHours: z.number().int().min(0).max(24 * 30),
    noShowLimit: z.number().int().min(1).max(100),
    noShowWindowDays: z.number().int().min(1).max(365),
    /** one row per open weekday; a weekday left out is closed */
    hours: z
      .array(OpeningHours)
      .max(7)
      .refine((hours) => new Set(hours.map((entry) => entry.day)).size === hours.length, "each weekday at most once"),
    /** when students are reminded (lib/mail/reminders.ts); left out of an edit: kept as it was */
    reminderHours: ReminderHours.optional(),
    /** the assistant's name, greeting and tone (lib/center/persona.ts); absent: left as stored */
    persona: AssistantPersona.optional(),
    /** the model-backed reader, on or off; absent: left as stored */
    assistantReader: AssistantReader.optional(),
  })
  .strict();
export type CenterSettingsInput = z.infer<typeof CenterSettingsInput>;

export const CenterPolicy = CenterSettingsInput.extend({ closedDates: z.array(ClosedDate).max(1000), persona: AssistantPersona, assistantReader: AssistantReader });
export type CenterPolicy = z.infer<typeof CenterPolicy>;

/** What the staff console's settings page reads: the policy, and whether this deployment has a model for the reader. */
export const CenterSettingsView = CenterPolicy.extend({ modelReaderAvailable: z.boolean() });
export type CenterSettingsView = z.infer<typeof CenterSettingsView>;

/** The migrations' defaults (drizzle/migrations/0005, 0014, 0027): they change nothing about booking or wording as it was. */
export const DEFAULT_CENTER_POLICY: CenterPolicy = {
  name: "Tutoring Center",
  timeZone: DEFAULT_TIME_ZONE,
  minLeadMinutes: 0,
  horizonDays: 90,
  weeklyCap: null,
  cancelCutoffHours: 24,
  noShowLimit: 3,
  noShowWindowDays: 30,
  hours: WEEKDAYS.map((day) => ({ day, open: "08:00", close: "22:00" })),
  closedDates: [],
  reminderHours: [24, 1],
  persona: DEFAULT_PERSONA,
  assistantReader: "off",
};

export interface Slot {
  date: string;
  start: string;
  end: string;
}

export type SlotRule = "lead_time" | "horizon" | "closed_date" | "closed_hours";

/** How a refusal is said: the chat's language's (lib/tutoring/phrases/), English by default. */
export type RulePhrases = Phrases["rule"];

export type SlotVerdict = { ok: true } | { ok: false; rule: SlotRule; explanation: string };

/** The epoch ms a session starts, at the center. */
export function startsAt(policy: Pick<CenterPolicy, "timeZone">, slot: Pick<Slot, "date" | "start">): number {
  return zonedToEpoch(slot.date, slot.start, policy.timeZone);
}

/** The last date a session may be booked on, seen from `now`. */
export function lastBookableDate(policy: Pick<CenterPolicy, "timeZone" | "horizonDays">, now: Date): string {
  return addDays(localNow(now, policy.timeZone).date, policy.horizonDays);
}

/**
 * Whether the center lets `slot` be booked at `now`. The rules are checked in the order a student
 * can act on: too soon, too far ahead, a closed date, outside opening hours.
 */
export function checkSlot(policy: CenterPolicy, slot: Slot, now: Date, say: RulePhrases = EN.rule): SlotVerdict {
  const leadMs = policy.minLeadMinutes * 60_000;
  if (startsAt(policy, slot) - now.getTime() < leadMs) {
    const earliest = earliestStart(policy, now);
    return { ok: false, rule: "lead_time", explanation: say.leadTime(policy.minLeadMinutes, earliest.date, earliest.clock) };
  }
  const last = lastBookableDate(policy, now);
  if (slot.date > last) return { ok: false, rule: "horizon", explanation: say.horizon(policy.horizonDays, last) };
  const closed = policy.closedDates.find((entry) => entry.date === slot.date);
  if (closed) return { ok: false, rule: "closed_date", explanation: say.closedDate(slot.date, closed.reason || undefined) };
  const day = weekdayOf(slot.date);
  const hours = policy.hours.find((entry) => entry.day === day);
  if (!hours) return { ok: false, rule: "closed_hours", explanation: say.closedDay(day) };
  if (slot.start < hours.open || slot.end > hours.close) {
    return { ok: false, rule: "closed_hours", explanation: say.outsideHours(day, hours.open, hours.close) };
  }
  return { ok: true };
}

/** The earliest start the notice allows, on the next half hour (as the assistant offers them). */
function earliestStart(policy: CenterPolicy, now: Date): { date: string; clock: string } {
  const earliest = localNow(new Date(now.getTime() + policy.minLeadMinutes * 60_000), policy.timeZone);
  const minutes = Math.ceil(earliest.minutes / 30) * 30;
  return { date: minutes >= 24 * 60 ? addDays(earliest.date, 1) : earliest.date, clock: toClock(minutes >= 24 * 60 ? 0 : minutes) };
}

/** "24 hours'", "90 minutes'", "2 days'" (the possessive of the notice). */
function durationText(minutes: number): string {
  if (minutes % (24 * 60) === 0 && minutes >= 48 * 60) return `${minutes / (24 * 60)} days'`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour's" : `${minutes / 60} hours'`;
  return minutes === 1 ? "1 minute's" : `${minutes} minutes'`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** A cancel is late when less than the cutoff remains before the start; exactly the cutoff is on time. */
export function isLateCancel(policy: Pick<CenterPolicy, "timeZone" | "cancelCutoffHours">, slot: Pick<Slot, "date" | "start">, now: Date): boolean {
  return startsAt(policy, slot) - now.getTime() < policy.cancelCutoffHours * 3_600_000;
}

/**
 * A session has started once its start time has come at the center. From then on nobody cancels it:
 * not the student (chat, My bookings) and not staff, who mark attendance instead. Every cancel path
 * asks this one rule (services/db/bookings.ts `cancelConfirmedBooking`, services/db/schedule.ts `cancelByStaff`).
 */
export function hasStarted(policy: Pick<CenterPolicy, "timeZone">, slot: Pick<Slot, "date" | "start">, now: Date): boolean {
  return startsAt(policy, slot) <= now.getTime();
}

/** Why a started session's cancel is refused: for the student (chat, My bookings) or for staff. */
export function startedCancelText(slot: Pick<Slot, "date" | "start">, audience: "student" | "staff"): string {
  const when = `${formatDate(slot.date)} at ${slot.start}`;
  return audience === "staff"
    ? `This session has already started (${when}), so it cannot be cancelled: mark attendance instead.`
    : `This session has already started (${when}), so it can no longer be cancelled. If you cannot attend, leave a message for the tutoring center.`;
}

/** The week (Monday to Sunday) a center-local date belongs to. */
export function weekOf(date: string): { monday: string; sunday: string } {
  const sinceMonday = (weekdayIndex(weekdayOf(date)) + 6) % 7;
  const monday = addDays(date, -sinceMonday);
  return { monday, sunday: addDays(monday, 6) };
}

/** The week an instant falls in, at the center. */
export function weekAt(policy: Pick<CenterPolicy, "timeZone">, now: Date): { monday: string; sunday: string } {
  return weekOf(localNow(now, policy.timeZone).date);
}

/**
 * The week a schedule opens on at `now`: this one (Monday to Sunday, center time) while the center
 * still opens in it, else the next. On a Sunday evening after closing, "this week" is the coming one.
 */
export function workingWeekAt(policy: Pick<CenterPolicy, "timeZone" | "hours" | "closedDates">, now: Date): { monday: string; sunday: string } {
  const local = localNow(now, policy.timeZone);
  const week = weekOf(local.date);
  const closed = new Set(policy.closedDates.map((entry) => entry.date));
  for (let date = local.date; date <= week.sunday; date = addDays(date, 1)) {
    const hours = policy.hours.find((entry) => entry.day === weekdayOf(date));
    if (!hours || closed.has(date)) continue;
    if (date > local.date || toMinutes(hours.close) > local.minutes) return week;
  }
  return weekOf(addDays(week.sunday, 1));
}

/** The rules a student decides by, in one line (chat page and /tutors). */
export function bookingRulesText(policy: CenterPolicy): string {
  const rules = [
    policy.minLeadMinutes > 0 ? `book at least ${durationText(policy.minLeadMinutes).replace(/'s?$/, "")} ahead` : "book any time before the session",
    `up to ${plural(policy.horizonDays, "day")} ahead`,
  ];
  if (policy.weeklyCap !== null) rules.push(`at most ${plural(policy.weeklyCap, "session")} a week`);
  rules.push(`cancel at least ${plural(policy.cancelCutoffHours, "hour")} before a session, or it counts as a late cancellation`);
  return `Booking rules: ${rules.join("; ")}.`;
}

/**
 * The matcher's test, for many slots at one `now`: whether a session of `length` minutes starting
 * `start` minutes after midnight on `date` may be booked. The same rules as `checkSlot`, with what
 * does not depend on the slot worked out once and the zone arithmetic only near the lead-time edge.
 */
export function slotTester(policy: CenterPolicy, now: Date): (date: string, start: number, length: number) => boolean {
  const last = lastBookableDate(policy, now);
  const closed = new Set(policy.closedDates.map((entry) => entry.date));
  const hours = new Map(policy.hours.map((entry) => [entry.day, { open: toMinutes(entry.open), close: toMinutes(entry.close) }]));
  const earliest = now.getTime() + policy.minLeadMinutes * 60_000;
  // Two days past the earliest allowed instant's local date, every start is later than it whatever the offset.
  const surelyLater = addDays(localNow(new Date(earliest), policy.timeZone).date, 2);
  return (date, start, length) => {
    if (date > last || closed.has(date)) return false;
    const open = hours.get(weekdayOf(date));
    if (!open || start < open.open || start + length > open.close) return false;
    return date >= surelyLater || startsAt(policy, { date, start: toClock(start) }) >= earliest;
  };
}
