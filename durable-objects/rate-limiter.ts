import { DurableObject } from "cloudflare:workers";
import { fail, ok, type Result } from "../lib/errors";
import { LIMITS, takeFromWindow, type Decision, type WindowState } from "../lib/rate-limits";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";

/**
 * One sliding window per key (the object's name: `{rule}:{key}`, e.g.
 * `chatsPerIp:203.0.113.7`), for limits that span requests: new chats per owner
 * and per client IP, staff sign-ins per client IP, an admin's staff-access changes. Decisions come from memory; the window is written behind
 * by an alarm a few seconds after it changed, so a flood of 1,000 decisions
 * costs at most two rows written per FLUSH_MS (the alarm and the row), and a
 * restart or eviction loses at most the last FLUSH_MS of counting.
 */

/** Window rules this object serves (per-chat buckets live in the ChatSession itself). */
export type WindowRuleName = "chatsPerOwner" | "chatsPerIp" | "staffSignInsPerIp" | "staffChallengesPerIp" | "staffAdminActionsPerMember";
const WINDOW_RULES: ReadonlySet<string> = new Set<WindowRuleName>(["chatsPerOwner", "chatsPerIp", "staffSignInsPerIp", "staffChallengesPerIp", "staffAdminActionsPerMember"]);

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
  private window: WindowState | null = null;
  /** A flush alarm is set: the window in memory is newer than the stored one. */
  private dirty = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.db, MIGRATIONS);
      this.window = this.db.first<WindowState & Record<string, number>>(sql`SELECT start, current, previous FROM window WHERE id = 1`) ?? null;
    });
  }

  /** Counts one request against `rule` and says whether it may go ahead, or when to try again. */
  async take(rule: WindowRuleName, now: number = clock.now()): Promise<Result<Decision>> {
    if (!WINDOW_RULES.has(rule)) return fail("bad_request:body", "Unknown limit.");
    const { decision, state } = takeFromWindow(LIMITS[rule], this.window, now);
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
