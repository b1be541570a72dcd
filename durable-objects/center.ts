import { DurableObject } from "cloudflare:workers";
import { z } from "../lib/zod";
import { SessionId } from "../lib/schemas";
import { CenterId } from "../lib/center/ids";
import { CenterPolicy } from "../lib/center/policy";
import { SNAPSHOT_TTL_MS, type CenterSnapshot } from "../lib/center/snapshot";
import { clock, useClockOf } from "../lib/time";
import { readCenterState } from "../services/db/center";
import { chatSession } from "../services/objects";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";

/**
 * One center's state that every exchange needs (one object per center, services/objects.ts): its
 * policy (settings, hours, closed dates, persona, the reader) and its catalog version, kept in the
 * object's own storage so that neither a chat nor a woken Center reads D1 for them.
 *
 * - A chat asks once (`snapshot`), keeps the answer in memory and is recorded as a subscriber.
 * - A staff edit (settings, a closed date, a tutor, an alias) is written to D1 as before and then
 *   announced here (`changed`): the object reads D1 once, and, if anything moved, pushes the new
 *   snapshot to every subscriber before it answers, so the student's next turn anywhere sees it.
 * - An hourly alarm, while anyone subscribes, forgets subscriptions older than a day (a chat asks
 *   again after a day: chat/center.ts) and reads D1 once, so an edit made outside the staff pages
 *   (a hand-run SQL statement) reaches every chat within the hour.
 *
 * The object learns which center it serves from its first caller (`snapshot(chatId, center)`,
 * `changed(center)`: callers pick it by that center, services/objects.ts) and keeps the id in its
 * own storage (1 row written, once); it reads only that center's rows, and refuses a call naming
 * another center.
 *
 * Costs (docs/centers.md): a chat's first turn 1 call here (1 row written, its subscription); an
 * awake or woken chat's turn 0 calls; an edit 1 D1 statement, 1 row written and 1 call per chat
 * that asked within the day.
 */

/** A subscription outlasts the chat's trust in its snapshot (a day) by an hour. */
const SUBSCRIPTION_MS = SNAPSHOT_TTL_MS + 60 * 60_000;
/** A subscription is written again only when this much older than the ask renewing it (a write is 1,000 reads). */
const RENEW_AFTER_MS = 12 * 60 * 60_000;
/** The stored snapshot is read from D1 again at least this often (the alarm, or the next ask). */
export const REREAD_MS = 60 * 60_000;
/** Chats told at once during a push. */
const PUSH_BATCH = 50;

const MIGRATIONS = [
  `CREATE TABLE snapshot (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     version INTEGER NOT NULL,
     body TEXT NOT NULL,        -- JSON { policy, catalogVersion }
     read_at INTEGER NOT NULL
   );
   CREATE TABLE subscribers (
     chat_id TEXT PRIMARY KEY,
     at INTEGER NOT NULL        -- when the chat last asked
   ) WITHOUT ROWID;`,
  `CREATE TABLE served (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     center_id TEXT NOT NULL    -- the center this object serves, learnt from its first caller
   );`,
] as const;

const StoredBody = z.object({ policy: CenterPolicy, catalogVersion: z.number().int() });

export class Center extends DurableObject<Env> {
  private readonly db: CountingSql;
  private current: CenterSnapshot | null = null;
  /** The center served (null until a caller names it). */
  private center: string | null = null;
  /** One D1 read at a time: an ask and an edit arriving together share it. */
  private reading: Promise<CenterSnapshot> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.db, MIGRATIONS);
      this.current = this.stored();
      this.center = this.db.first<{ center_id: string }>(sql`SELECT center_id FROM served WHERE id = 1`)?.center_id ?? null;
    });
  }

  /**
   * The snapshot, for `chatId` (recorded, so an edit reaches it). 0 D1 statements unless the stored
   * one is older than REREAD_MS or missing (then 1).
   */
  async snapshot(chatId: unknown, center: unknown): Promise<CenterSnapshot> {
    this.serve(center);
    const chat = SessionId.safeParse(chatId);
    const now = clock.now();
    const current = this.current && now - this.current.readAt < REREAD_MS ? this.current : await this.reread(now);
    if (chat.success) this.subscribe(chat.data, now);
    return current;
  }

  /** Announced after every staff edit of what a snapshot holds: read D1 once, push if anything moved. */
  async changed(center: unknown): Promise<{ version: number; told: number }> {
    this.serve(center);
    const before = this.current?.version ?? 0;
    const after = await this.reread(clock.now());
    return { version: after.version, told: after.version === before ? 0 : await this.push(after) };
  }

  async alarm(): Promise<void> {
    const now = clock.now();
    this.db.run(sql`DELETE FROM subscribers WHERE at < ${now - SUBSCRIPTION_MS}`);
    // Nobody has named the center yet (an object from before centers): the next ask names it.
    if (this.center !== null) {
      const before = this.current?.version ?? 0;
      const after = await this.reread(now);
      if (after.version !== before) await this.push(after);
    }
    if (this.subscriberCount() > 0) await this.ctx.storage.setAlarm(now + REREAD_MS);
  }

  /** How many chats an edit would be pushed to now (tests and the benchmark read it). */
  subscriberCount(): number {
    return this.db.first<{ n: number }>(sql`SELECT COUNT(*) AS n FROM subscribers`)?.n ?? 0;
  }

  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** Learns the center on first sight (stored); a call naming another center, or no valid one, is refused. */
  private serve(center: unknown): string {
    const parsed = CenterId.safeParse(center);
    if (!parsed.success) throw new Error("Center: a caller named no valid center");
    if (this.center === null) {
      this.db.run(sql`INSERT INTO served (id, center_id) VALUES (1, ${parsed.data}) ON CONFLICT (id) DO NOTHING`);
      this.center = parsed.data;
    }
    if (this.center !== parsed.data) throw new Error(`Center: this object serves ${this.center}, not ${parsed.data}`);
    return this.center;
  }

  private stored(): CenterSnapshot | null {
    const row = this.db.first<{ version: number; body: string; read_at: number }>(sql`SELECT version, body, read_at FROM snapshot WHERE id = 1`);
    if (!row) return null;
    const body = StoredBody.safeParse(JSON.parse(row.body));
    // A body that no longer parses (a schema change) is read from D1 again on the next ask.
    return body.success ? { version: row.version, ...body.data, readAt: row.read_at } : null;
  }

  /** Reads D1 (1 statement); stores and versions the result only when it differs from what is held. */
  private reread(now: number): Promise<CenterSnapshot> {
    this.reading ??= (async () => {
      try {
        const state = await readCenterState(this.env.DB, { center: this.center!, fromDate: new Date(now - 2 * 86_400_000).toISOString().slice(0, 10) });
        const body = JSON.stringify(state);
        const held = this.current;
        const same = held !== null && JSON.stringify({ policy: held.policy, catalogVersion: held.catalogVersion }) === body;
        const next: CenterSnapshot = { version: same ? held.version : (held?.version ?? 0) + 1, ...state, readAt: now };
        this.db.run(
          sql`INSERT INTO snapshot (id, version, body, read_at) VALUES (1, ${next.version}, ${body}, ${now})
              ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body, read_at = excluded.read_at`,
        );
        this.current = next;
        return next;
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  /** Records the chat (a row written only when new, or renewing one half a day old) and keeps the alarm set. */
  private subscribe(chatId: string, now: number): void {
    this.db.run(
      sql`INSERT INTO subscribers (chat_id, at) VALUES (${chatId}, ${now})
          ON CONFLICT (chat_id) DO UPDATE SET at = excluded.at WHERE subscribers.at < ${now - RENEW_AFTER_MS}`,
    );
    void this.ctx.storage.getAlarm().then((alarm) => (alarm === null ? this.ctx.storage.setAlarm(now + REREAD_MS) : undefined));
  }

  /** Tells every chat that asked within the day; answers how many took it. A chat that cannot be reached asks again within a day. */
  private async push(snapshot: CenterSnapshot): Promise<number> {
    const chats = this.db.all<{ chat_id: string }>(sql`SELECT chat_id FROM subscribers`).map((row) => row.chat_id);
    let told = 0;
    for (let start = 0; start < chats.length; start += PUSH_BATCH) {
      const results = await Promise.allSettled(chats.slice(start, start + PUSH_BATCH).map((id) => chatSession(this.env, id).centerChanged(snapshot)));
      for (const result of results) {
        if (result.status === "fulfilled") told++;
        else console.error("[center] could not tell a chat of a change", result.reason);
      }
    }
    return told;
  }
}
