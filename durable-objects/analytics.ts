import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { AnalyticsBatch, AnalyticsQuery, increments, isCounter, type AnalyticsSeries, type Counter } from "../lib/analytics/events";
import { addCount, buildSeries, hourBucket, rangeBounds, type HourCounts } from "../lib/analytics/series";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";

/**
 * The center's counters (one object, "global": a center's whole traffic is far
 * below one object's limits). Events add to counters in memory, keyed by
 * (UTC hour, counter); the first change sets an alarm FLUSH_MS later, and the
 * alarm writes each changed (hour, counter) once, adding to what is stored.
 * So an event costs 0 rows written, a flush at most one row per counter per
 * hour it touched, and a restart or eviction loses at most FLUSH_MS of counts.
 * Reads merge the stored hours with what memory has not written yet: a chart
 * is never behind.
 */

export const FLUSH_MS = 10_000;

/** Hours older than this are dropped by the flush: storage stays bounded (~400 days × 21 counters × 24 h). */
export const RETENTION_MS = 400 * 24 * 60 * 60_000;

const MIGRATIONS = [
  `CREATE TABLE counts (
     bucket INTEGER NOT NULL,  -- the hour's start, UTC epoch ms
     counter TEXT NOT NULL,    -- a name from COUNTERS (lib/analytics/events.ts)
     n INTEGER NOT NULL,       -- events in that hour (for staff_first_reply_ms: the sum of the waits)
     PRIMARY KEY (bucket, counter)
   ) WITHOUT ROWID`,
] as const;

/** What one flush did: the (hour, counter) pairs it wrote and the rows that cost. */
export interface FlushReport {
  pairs: number;
  rows: RowCounts;
}

export class Analytics extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** Counts not yet written, `bucket` → counter → amount. */
  private pending: HourCounts = new Map();
  /** A flush alarm is set for what `pending` holds. */
  private dirty = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => migrate(this.db, MIGRATIONS));
  }

  /** Counts one request's events at `now` (0 rows written: memory, then the alarm). */
  async record(events: unknown, now: unknown = clock.now()): Promise<Result<{ recorded: number }>> {
    const parsed = AnalyticsBatch.safeParse(events);
    if (!parsed.success) return fail("bad_request:body", "Invalid analytics events.", zodIssues(parsed.error));
    if (typeof now !== "number" || !Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid event time.");
    const bucket = hourBucket(now);
    for (const event of parsed.data) {
      for (const [counter, amount] of increments(event)) addCount(this.pending, bucket, counter, amount);
    }
    if (!this.dirty) {
      this.dirty = true;
      try {
        await this.ctx.storage.setAlarm(clock.toPlatform(clock.now() + FLUSH_MS));
      } catch (error) {
        this.dirty = false;
        throw error;
      }
    }
    return ok({ recorded: parsed.data.length });
  }

  /** The range's buckets by hour or by local day in `timeZone`, stored hours and memory merged. */
  async series(query: unknown, timeZone: string): Promise<Result<AnalyticsSeries>> {
    const parsed = AnalyticsQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid analytics range.", zodIssues(parsed.error));
    const { start, end } = rangeBounds(parsed.data, timeZone);
    const hours: HourCounts = new Map();
    const rows = this.db.all<{ bucket: number; counter: string; n: number }>(
      sql`SELECT bucket, counter, n FROM counts WHERE bucket >= ${start} AND bucket < ${end}`,
    );
    for (const row of rows) if (isCounter(row.counter)) addCount(hours, row.bucket, row.counter, row.n);
    for (const [bucket, counts] of this.pending) {
      if (bucket < start || bucket >= end) continue;
      for (const [counter, amount] of Object.entries(counts) as [Counter, number][]) addCount(hours, bucket, counter, amount);
    }
    return ok(buildSeries(parsed.data, timeZone, hours));
  }

  override async alarm(): Promise<void> {
    // A throw leaves `pending` as it was; the runtime retries the alarm.
    this.flush();
  }

  /**
   * Writes every (hour, counter) that changed since the last flush, once each,
   * in one transaction, and drops hours past RETENTION_MS. Tests call it
   * instead of waiting for the alarm.
   */
  flush(now: number = clock.now()): FlushReport {
    const pending = this.pending;
    let pairs = 0;
    const { rows } = this.db.measure(() =>
      this.ctx.storage.transactionSync(() => {
        for (const [bucket, counts] of pending) {
          for (const [counter, amount] of Object.entries(counts)) {
            pairs += 1;
            this.db.run(
              sql`INSERT INTO counts (bucket, counter, n) VALUES (${bucket}, ${counter}, ${amount})
                  ON CONFLICT (bucket, counter) DO UPDATE SET n = n + excluded.n`,
            );
          }
        }
        this.db.run(sql`DELETE FROM counts WHERE bucket < ${hourBucket(now - RETENTION_MS)}`);
      }),
    );
    this.pending = new Map();
    this.dirty = false;
    return { pairs, rows };
  }

  /** Counts not yet written, as (hour, counter) pairs: what the next flush will write. */
  pendingPairs(): number {
    let pairs = 0;
    for (const counts of this.pending.values()) pairs += Object.keys(counts).length;
    return pairs;
  }

  rowCounts(): RowCounts {
    return this.db.counts();
  }
}
