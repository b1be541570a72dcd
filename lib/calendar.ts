import { WEEKDAYS, type Weekday } from "./tutoring/schemas";

/**
 * Calendar arithmetic on plain "YYYY-MM-DD" and "HH:MM" strings. Dates are
 * computed in UTC so the result never depends on the server's own time zone;
 * only `localNow` looks at a zone, to learn what "today" is for the student.
 */

/** The tutoring center is City College of San Francisco: "today" and "10am" mean Pacific time. */
export const DEFAULT_TIME_ZONE = "America/Los_Angeles";

export interface LocalNow {
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

export function localNow(now: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalNow {
  const parts = zoneParts(now, timeZone);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "00";
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  // Some engines print midnight as "24" even with h23.
  const hour = Number(get("hour")) % 24;
  return { date, weekday: weekdayOf(date), minutes: hour * 60 + Number(get("minute")) };
}

const ZONE_OPTIONS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};

/** Building a formatter costs far more than using one, and the matcher asks about many slots per turn. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneParts(now: Date, timeZone: string): Intl.DateTimeFormatPart[] {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", { ...ZONE_OPTIONS, timeZone });
    } catch {
      // An unknown zone name must not break the chat; UTC is at least deterministic.
      formatter = new Intl.DateTimeFormat("en-US", { ...ZONE_OPTIONS, timeZone: "UTC" });
    }
    if (formatters.size < 50) formatters.set(timeZone, formatter);
  }
  return formatter.formatToParts(now);
}

function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[utcDate(date).getUTCDay()] ?? "sunday";
}

export function weekdayIndex(day: Weekday): number {
  return WEEKDAYS.indexOf(day);
}

export function addDays(date: string, days: number): string {
  const d = utcDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / 86_400_000);
}

/** The next `day` on or after `from` (or strictly after, when `includeFrom` is false). */
export function nextDateFor(day: Weekday, from: string, includeFrom = true): string {
  let ahead = (weekdayIndex(day) - weekdayIndex(weekdayOf(from)) + 7) % 7;
  if (ahead === 0 && !includeFrom) ahead = 7;
  return addDays(from, ahead);
}

export function toMinutes(clock: string): number {
  const [hours = "0", minutes = "0"] = clock.split(":");
  return Number(hours) * 60 + Number(minutes);
}

export function toClock(minutes: number): string {
  const clamped = Math.min(Math.max(Math.round(minutes), 0), 23 * 60 + 59);
  const hours = Math.floor(clamped / 60);
  return `${String(hours).padStart(2, "0")}:${String(clamped % 60).padStart(2, "0")}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "Monday, Nov 23". */
export function formatDate(date: string): string {
  const d = utcDate(date);
  return `${capitalize(weekdayOf(date))}, ${MONTHS[d.getUTCMonth()] ?? ""} ${d.getUTCDate()}`;
}

/** The epoch ms of a wall-clock `date` `clock` in `timeZone` (e.g. a session's end at the center). */
export function zonedToEpoch(date: string, clock: string, timeZone: string = DEFAULT_TIME_ZONE): number {
  const asUtc = Date.parse(`${date}T${clock}:00Z`);
  // The zone's offset at that moment, read back through Intl; a second pass settles DST edges.
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const local = localNow(new Date(guess), timeZone);
    const shown = Date.parse(`${local.date}T${toClock(local.minutes)}:00Z`);
    guess += asUtc - shown;
  }
  return guess;
}
