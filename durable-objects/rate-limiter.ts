import { DurableObject } from "cloudflare:workers";
import { fail, ok, type Result } from "../lib/errors";
import { LIMITER_RULES, LIMITS, takeFromBucket, takeFromWindow, type BucketState, type Decision, type LimiterRule, type WindowState } from "../lib/rate-limits";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";

/**
 * One limit for one key (the object's name: `{rule}:{key}`, e.g.
 * `chatsPerIp:203.0.113.7` or `writesPerIp:2001:db8:1:2::/64`), for limits no
 * object of the caller's keeps (lib/rate-limits.ts, `where: "RateLimiter"`).
 * Decisions come from memory.
 *
 * - A window (new chats, cancels, waitlist joins, sign-ins: counts over an hour
 *   or 15 minutes) is written behind by an alarm a few seconds after it changed,
 *   so a flood of 1,000 decisions costs at most two rows written per FLUSH_MS
 *   (the alarm and the row), and a restart or eviction loses at most the last
 *   FLUSH_MS of counting.
 * - A bucket (the quick writes: patches, tickets, preferences…) is never
 *   stored: every one refills within a minute, and an idle object is evicted
 *   only after more than a minute, by when its bucket would be full again.
 */

export const FLUSH_MS = 5_000;

const MIGRATIONS = [
  `CREATE TABLE window (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     start INTEGER NOT NULL,
     current INTEGER NOT NULL,
     previous INTEGER NOT NULL
   )`,
] as const;

export class RateLimiter extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** The stored window, read on the first window decision after a wake (undefined until then). */
  private window: WindowState | null | undefined = undefined;
  private bucket: BucketState | null = null;
  /** A flush alarm is set: the window in memory is newer than the stored one. */
  private dirty = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
  }

  /** A bucket's object never touches storage: its schema is made with its first window. */
  private storedWindow(): WindowState | null {
    if (this.window === undefined) {
      migrate(this.db, MIGRATIONS);
      this.window = this.db.first<WindowState & Record<string, number>>(sql`SELECT start, current, previous FROM window WHERE id = 1`) ?? null;
    }
    return this.window;
  }

  /** Counts one request against `rule` and says whether it may go ahead, or when to try again. */
  async take(rule: LimiterRule, now: number = clock.now()): Promise<Result<Decision>> {
    if (!LIMITER_RULES.has(rule)) return fail("bad_request:body", "Unknown limit.");
    const limit = LIMITS[rule];
    if (limit.kind === "bucket") {
      const { decision, state } = takeFromBucket(limit, this.bucket, now);
      this.bucket = state;
      return ok(decision);
    }
    const { decision, state } = takeFromWindow(limit, this.storedWindow(), now);
    this.window = state;
    if (!this.dirty) {
      this.dirty = true;
      await this.ctx.storage.setAlarm(clock.toPlatform(now + FLUSH_MS));
    }
    return ok(decision);
  }

  override async alarm(): Promise<void> {
    this.flush();
  }

  /** Writes the window now (tests call it instead of waiting for the alarm). */
  flush(): void {
    if (!this.window) return;
    const { start, current, previous } = this.window;
    this.db.run(
      sql`INSERT INTO window (id, start, current, previous) VALUES (1, ${start}, ${current}, ${previous})
          ON CONFLICT (id) DO UPDATE SET start = excluded.start, current = excluded.current, previous = excluded.previous`,
    );
    this.dirty = false;
  }

  rowCounts(): RowCounts {
    return this.db.counts();
  }
}
