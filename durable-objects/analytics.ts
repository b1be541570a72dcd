import { DurableObject } from "cloudflare:workers";
import { z } from "../lib/zod";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { AnalyticsBatch, AnalyticsQuery, increments, isCounter, RecordKey, type AnalyticsSeries, type Counter } from "../lib/analytics/events";
import { addCount, buildSeries, hourBucket, rangeBounds, type HourCounts } from "../lib/analytics/series";
import { batchKey, ChatBatch, throughOf, type BatchReceipt } from "../lib/analytics/batch";
import { clock, useClockOf } from "../lib/time";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";

/**
 * The center's counters (one object, "global": a center's whole traffic is far
 * below one object's limits). Each `record` call adds its events to the row of
 * their UTC hour and commits before it answers: one row written per call,
 * however many events it carries, and nothing waits in memory, so a crash, a
 * deploy or an eviction loses no count that was acknowledged. A call carries a
 * key; the hour's row keeps the keys of its last RECENT_KEYS calls, so a caller
 * that sends a call again (its answer was lost) is counted once.
 */

/** Hours older than this are dropped when a new hour's row is made: storage stays bounded (~400 days × 24 rows). */
export const RETENTION_MS = 400 * 24 * 60 * 60_000;

/**
 * How many of an hour's latest call keys its row remembers. A retry comes within a second or two
 * of the call it repeats: 32 calls cover that at hundreds of calls a minute.
 */
export const RECENT_KEYS = 32;

const MIGRATIONS = [
  // v1 (replaced by v2): one row per (hour, counter), written by a flush alarm from counts held in memory.
  `CREATE TABLE counts (
     bucket INTEGER NOT NULL,
     counter TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (bucket, counter)
   ) WITHOUT ROWID`,
  // v2: one row per hour, written by each call; the flushed counts carried over.
  `CREATE TABLE hours (
     bucket INTEGER PRIMARY KEY,  -- the hour's start, UTC epoch ms
     counts TEXT NOT NULL,        -- JSON {counter: n} of the counters the hour touched (names from COUNTERS in lib/analytics/events.ts;
                                  -- for staff_first_reply_ms the sum of the waits; per-kind vote counters are net and may be negative)
     recent TEXT NOT NULL         -- JSON array: the keys of the hour's last RECENT_KEYS calls, oldest first
   ) WITHOUT ROWID;
   INSERT INTO hours (bucket, counts, recent) SELECT bucket, json_group_object(counter, n), '[]' FROM counts GROUP BY bucket;
   DROP TABLE counts`,
] as const;

/** An hour's row as stored (zod on read: a row we cannot read is an error, not a zero). */
const StoredCounts = z.record(z.string(), z.number().int());
const StoredKeys = z.array(z.string());

export class Analytics extends DurableObject<Env> {
  private readonly db: CountingSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => migrate(this.db, MIGRATIONS));
  }

  /**
   * Counts one request's events at `now`, stored before the answer: 1 row written (0 when `key`
   * was seen before in that hour, or the events change no counter; +1 row deleted when the call
   * opens an hour and an hour turns RETENTION_MS old). `repeated`: this key was counted already.
   */
  async record(events: unknown, now: unknown = clock.now(), key?: unknown): Promise<Result<{ recorded: number; repeated: boolean }>> {
    const parsed = AnalyticsBatch.safeParse(events);
    if (!parsed.success) return fail("bad_request:body", "Invalid analytics events.", zodIssues(parsed.error));
    if (typeof now !== "number" || !Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid event time.");
    const callKey = RecordKey.optional().safeParse(key);
    if (!callKey.success) return fail("bad_request:body", "Invalid analytics call key.", zodIssues(callKey.error));

    const counts: Partial<Record<Counter, number>> = {};
    for (const event of parsed.data) {
      for (const [counter, amount] of increments(event)) counts[counter] = (counts[counter] ?? 0) + amount;
    }
    const repeated = this.ctx.storage.transactionSync(() => this.addToHour(hourBucket(now), counts, callKey.data));
    return ok({ recorded: repeated ? 0 : parsed.data.length, repeated });
  }

  /**
   * Adds a chat's batch of counts (lib/analytics/batch.ts) to the hours they happened in, in one
   * transaction: 1 row written per hour it touches (nearly always 1). Each touched hour keeps the
   * batch's key among its recent keys, so the same chat's batch number sent again (its answer was
   * lost; perhaps rebuilt with later messages in it) changes nothing and answers the `through` that
   * was applied: the chat then keeps the rest pending for its next batch.
   */
  async recordBatch(batch: unknown): Promise<Result<BatchReceipt>> {
    const parsed = ChatBatch.safeParse(batch);
    if (!parsed.success) return fail("bad_request:body", "Invalid analytics batch.", zodIssues(parsed.error));
    const { data } = parsed;
    return ok(
      this.ctx.storage.transactionSync((): BatchReceipt => {
        // Every hour of the first attempt is in a retry too (a chat's pending counts only grow until acknowledged).
        for (const { bucket } of data.hours) {
          const row = this.db.first<{ recent: string }>(sql`SELECT recent FROM hours WHERE bucket = ${bucket}`);
          for (const key of row ? StoredKeys.parse(JSON.parse(row.recent)) : []) {
            const through = throughOf(key, data);
            if (through !== null) return { repeated: true, through };
          }
        }
        for (const { bucket, counts } of data.hours) this.addToHour(bucket, counts, batchKey(data));
        return { repeated: false, through: data.through };
      }),
    );
  }

  /** The range's buckets by hour or by local day in `timeZone`, from the stored hours. */
  async series(query: unknown, timeZone: string): Promise<Result<AnalyticsSeries>> {
    const parsed = AnalyticsQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid analytics range.", zodIssues(parsed.error));
    const { start, end } = rangeBounds(parsed.data, timeZone);
    const hours: HourCounts = new Map();
    const rows = this.db.all<{ bucket: number; counts: string }>(sql`SELECT bucket, counts FROM hours WHERE bucket >= ${start} AND bucket < ${end}`);
    for (const row of rows) {
      for (const [counter, n] of Object.entries(StoredCounts.parse(JSON.parse(row.counts)))) if (isCounter(counter)) addCount(hours, row.bucket, counter, n);
    }
    return ok(buildSeries(parsed.data, timeZone, hours));
  }

  /**
   * @deprecated The previous version flushed counts from an alarm; one it set before a deploy may
   * still fire once. Nothing is held in memory now, so there is nothing to do.
   */
  override async alarm(): Promise<void> {}

  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** Adds `counts` to the hour's row and remembers `key`; answers whether the key was already there (nothing changed). */
  private addToHour(bucket: number, counts: Partial<Record<Counter, number>>, key: string | undefined): boolean {
    const row = this.db.first<{ counts: string; recent: string }>(sql`SELECT counts, recent FROM hours WHERE bucket = ${bucket}`);
    const stored = row ? StoredCounts.parse(JSON.parse(row.counts)) : {};
    const recent = row ? StoredKeys.parse(JSON.parse(row.recent)) : [];
    if (key !== undefined && recent.includes(key)) return true;
    const changes = Object.entries(counts).filter(([, amount]) => amount !== 0);
    // Only when needed: a call that moves no counter and carries no key (a vote set to what it was) writes nothing.
    if (changes.length === 0 && key === undefined) return false;
    for (const [counter, amount] of changes) stored[counter] = (stored[counter] ?? 0) + amount;
    const keys = key === undefined ? recent : [...recent, key].slice(-RECENT_KEYS);
    // A new hour: the one that turned RETENTION_MS old goes (a row deleted is a row written, once an hour).
    if (!row) this.db.run(sql`DELETE FROM hours WHERE bucket < ${hourBucket(bucket - RETENTION_MS)}`);
    this.db.run(
      sql`INSERT INTO hours (bucket, counts, recent) VALUES (${bucket}, ${JSON.stringify(stored)}, ${JSON.stringify(keys)})
          ON CONFLICT (bucket) DO UPDATE SET counts = excluded.counts, recent = excluded.recent`,
    );
    return false;
  }
}
