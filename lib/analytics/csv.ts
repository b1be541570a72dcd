import { KIND_COUNTERS, type AnalyticsSeries, type Counter } from "./events";
import { averageFirstReplySeconds } from "./series";

/** The CSV's columns after the time: a header and the counter it reads. */
const COLUMNS: [string, Counter][] = [
  ["chats_started", "chat_started"],
  ["messages", "message"],
  ["bookings_made", "booking_made"],
  ["bookings_cancelled", "booking_cancelled"],
  ["late_cancels", "booking_late_cancelled"],
  ["no_shows", "no_show"],
  ["handoffs", "handoff"],
  ["first_staff_replies", "staff_first_reply"],
  ["feedback_up", "feedback_up"],
  ["feedback_down", "feedback_down"],
];

/** The per-kind vote columns of the first file (later kinds' columns go at the end). */
const FIRST_KIND_COUNTERS = KIND_COUNTERS.filter((counter) => !counter.endsWith("_waitlist_notice"));

/** Columns added after the per-kind votes, in the order they were added. */
const LATER_COLUMNS: [string, Counter][] = [
  ["bookings_moved", "booking_moved"],
  ["feedback_up_waitlist_notice", "feedback_up_waitlist_notice"],
  ["feedback_down_waitlist_notice", "feedback_down_waitlist_notice"],
];

/**
 * One row per bucket, local time first (ISO 8601: a date, or a date and hour
 * with its UTC offset). Every cell is a number or a label we format, but each
 * still passes through `cell`: a spreadsheet never sees a formula or a stray quote.
 */
export function seriesToCsv(series: AnalyticsSeries): string {
  // Columns added later go at the end, so the columns a spreadsheet already reads keep their places: the net 👍/👎
  // per reply kind (feedback_up_assistant, …; lib/analytics/feedback.ts says what they mean), then the moves, then the votes on waitlist offers.
  const header = ["time", ...COLUMNS.map(([name]) => name), "avg_first_reply_seconds", ...FIRST_KIND_COUNTERS, ...LATER_COLUMNS.map(([name]) => name)];
  const rows = series.buckets.map((bucket) => [
    bucket.label,
    ...COLUMNS.map(([, counter]) => String(bucket.counts[counter])),
    String(averageFirstReplySeconds(bucket.counts) ?? ""),
    ...FIRST_KIND_COUNTERS.map((counter) => String(bucket.counts[counter])),
    ...LATER_COLUMNS.map(([, counter]) => String(bucket.counts[counter])),
  ]);
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** The file's name: `analytics-2026-11-01-to-2026-11-07-by-day.csv`. */
export function csvFileName(series: Pick<AnalyticsSeries, "from" | "to" | "granularity">): string {
  return `analytics-${series.from}-to-${series.to}-by-${series.granularity}.csv`;
}

/** RFC 4180 quoting, and a leading `'` for anything a spreadsheet would run as a formula. */
export function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
