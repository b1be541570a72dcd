import { addDays, localNow, toClock, zonedToEpoch } from "../calendar";
import { COUNTERS, emptyCounts, type AnalyticsQuery, type AnalyticsSeries, type Counter, type Counts, type SeriesBucket } from "./events";
import { clock } from "../time";

/**
 * Turning stored hour counts into a chart's series. Counts are kept per UTC
 * hour; a day is the sum of the hours that start within it in the center's
 * time zone (exact for every zone whose offset is whole hours, i.e. the
 * center's default America/Los_Angeles, DST days of 23 and 25 hours included).
 */

export const HOUR_MS = 60 * 60_000;

/** The UTC hour an instant falls in. */
export function hourBucket(at: number): number {
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}

/** [start, end) in UTC epoch ms of the local days `from`..`to`. */
export function rangeBounds(query: Pick<AnalyticsQuery, "from" | "to">, timeZone: string): { start: number; end: number } {
  return { start: zonedToEpoch(query.from, "00:00", timeZone), end: zonedToEpoch(addDays(query.to, 1), "00:00", timeZone) };
}

/** `2026-11-23T14:00-08:00`: the local wall clock with its offset, unambiguous across DST. */
export function localHourLabel(at: number, timeZone: string): string {
  const local = localNow(new Date(at), timeZone);
  const clock = toClock(local.minutes);
  const offsetMinutes = Math.round((Date.parse(`${local.date}T${clock}:00Z`) - at) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local.date}T${clock}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Counts per hour bucket start, as the store and the memory hold them. */
export type HourCounts = Map<number, Partial<Counts>>;

export function addCount(hours: HourCounts, bucket: number, counter: Counter, amount: number): void {
  const counts = hours.get(bucket) ?? {};
  counts[counter] = (counts[counter] ?? 0) + amount;
  hours.set(bucket, counts);
}

/** One bucket per hour or per local day of the range, zeros included, and the range's totals. */
export function buildSeries(query: AnalyticsQuery, timeZone: string, hours: HourCounts, now: number = clock.now()): AnalyticsSeries {
  const buckets: SeriesBucket[] = [];
  if (query.granularity === "hour") {
    const { start, end } = rangeBounds(query, timeZone);
    for (let at = start; at < end; at += HOUR_MS) {
      buckets.push({ start: at, label: localHourLabel(at, timeZone), counts: sumHours(hours, at, at + HOUR_MS) });
    }
  } else {
    for (let date = query.from; date <= query.to; date = addDays(date, 1)) {
      const { start, end } = rangeBounds({ from: date, to: date }, timeZone);
      buckets.push({ start, label: date, counts: sumHours(hours, start, end) });
    }
  }
  const totals = emptyCounts();
  for (const bucket of buckets) for (const counter of COUNTERS) totals[counter] += bucket.counts[counter];
  return { timeZone, today: localNow(new Date(now), timeZone).date, granularity: query.granularity, from: query.from, to: query.to, buckets, totals };
}

function sumHours(hours: HourCounts, start: number, end: number): Counts {
  const counts = emptyCounts();
  for (let at = hourBucket(start); at < end; at += HOUR_MS) {
    if (at < start) continue;
    const stored = hours.get(at);
    if (!stored) continue;
    for (const counter of COUNTERS) counts[counter] += stored[counter] ?? 0;
  }
  return counts;
}

/** The exact average wait for a first staff reply, in seconds (null when there was none). */
export function averageFirstReplySeconds(counts: Counts): number | null {
  return counts.staff_first_reply > 0 ? Math.round(counts.staff_first_reply_ms / counts.staff_first_reply / 1000) : null;
}
