import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { planFacts, type FactPlan } from "../lib/memory/facts";
import { FactId, FactSource, NewFacts, SettledBooking, StudentFact, TutorDetail, type NewFact } from "../lib/memory/schemas";
import { OwnerId } from "../lib/schemas";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { bumpMemoryVersion } from "../workers/db/memory-version";

/**
 * What the assistant remembers about one student (one object per owner id:
 * `idFromName(ownerId)`): structured facts with their source, when they were
 * learned and a confidence. Facts are read once per wake and kept in memory
 * (write-through), so `recall` costs 0 rows after the first read; `learn`
 * writes only the facts that changed, one row each. The owner is stored with
 * the first fact and every method checks it: anyone else is told "not found".
 *
 * Nothing is created for a student the assistant has learned nothing about:
 * the schema is made by the first `learn`, and `forgetAll` leaves 0 bytes.
 */

const MIGRATIONS = [
  `CREATE TABLE owner (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     owner_id TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  `CREATE TABLE facts (
     id TEXT PRIMARY KEY,          -- the kind, or kind:key for kinds that hold several (lib/memory/facts.ts)
     kind TEXT NOT NULL,           -- a FactKind
     value TEXT NOT NULL,
     detail TEXT,                  -- JSON TutorDetail, for a tutor fact only
     source TEXT NOT NULL,         -- JSON FactSource: chat id + message seq, booking, or student edit
     learned_at INTEGER NOT NULL,  -- epoch ms
     confidence REAL NOT NULL      -- 0..1
   ) WITHOUT ROWID`,
] as const;

interface FactRow extends Record<string, SqlStorageValue> {
  id: string;
  kind: string;
  value: string;
  detail: string | null;
  source: string;
  learned_at: number;
  confidence: number;
}

/** What a learning call did: the facts now held and what writing cost. */
export interface Learned {
  facts: StudentFact[];
  /** Facts inserted, changed or dropped by this call (0 when nothing was new). */
  changed: number;
  rows: RowCounts;
  /** The owner's `profiles.memory_version` after this change; null when nothing changed or D1 could not be told. */
  version: number | null;
}

export class StudentMemory extends DurableObject<Env> {
  private readonly db: CountingSql;
  private ownerId: string | null = null;
  /** Every fact, by id: read once per wake, then kept in step with each write. */
  private facts = new Map<string, StudentFact>();
  private hasSchema = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load(): void {
    // A student never learned about has no tables at all: reading costs nothing and creates nothing.
    this.hasSchema = this.db.first(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_schema'`) !== undefined;
    if (!this.hasSchema) return;
    migrate(this.db, MIGRATIONS);
    this.ownerId = this.db.first<{ owner_id: string }>(sql`SELECT owner_id FROM owner WHERE id = 1`)?.owner_id ?? null;
    for (const row of this.db.all<FactRow>(sql`SELECT id, kind, value, detail, source, learned_at, confidence FROM facts`)) {
      const fact = factOf(row);
      if (fact) this.facts.set(fact.id, fact);
    }
  }

  /** Every fact held about `ownerId`, newest first (from memory: 0 rows). An owner never learned about has none. */
  recall(ownerId: string): Result<{ facts: StudentFact[] }> {
    if (!this.mine(ownerId)) return notFound();
    return ok({ facts: this.list() });
  }

  /**
   * Learns `proposed` facts at `now`: each is written only if it changes what
   * is held (one row per changed fact, plus one per fact dropped past its
   * kind's cap), all in one transaction. Creates the memory on first use.
   */
  async learn(ownerId: string, proposed: unknown, now: number): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = NewFacts.safeParse(proposed);
    if (!parsed.success) return fail("bad_request:body", "Invalid facts.", zodIssues(parsed.error));
    if (!Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid time.");
    return ok(await this.write(ownerId, planFacts(this.facts, parsed.data, now), now));
  }

  /**
   * A booking's outcome decided outside the chat (the staff schedule's attendance or cancel, My
   * bookings): the tutor fact that remembers that booking takes it. 1 row when it changes, else 0.
   */
  async settle(ownerId: string, bookingId: unknown, outcome: unknown, now: number): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = SettledBooking.safeParse({ bookingId, outcome });
    if (!parsed.success) return fail("bad_request:body", "Invalid booking outcome.", zodIssues(parsed.error));
    if (!Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid time.");
    const fact = [...this.facts.values()].find((entry) => entry.detail?.bookingId === parsed.data.bookingId);
    if (!fact?.detail) return ok(unchanged(this.list()));
    const settled: NewFact = {
      kind: "tutor",
      value: fact.value,
      detail: { ...fact.detail, outcome: parsed.data.outcome },
      source: { type: "booking", bookingId: parsed.data.bookingId },
      confidence: fact.confidence,
    };
    return ok(await this.write(ownerId, planFacts(this.facts, [settled], now), now));
  }

  /**
   * Writes a plan in one transaction (creating the memory on first use), keeps memory in step,
   * then moves the owner's memory version so every chat's copy is known to be old.
   */
  private async write(ownerId: string, plan: FactPlan, now: number): Promise<Learned> {
    if (plan.upserts.length === 0 && plan.deletes.length === 0) return unchanged(this.list());
    return this.changing(ownerId, () => {
      const { rows } = this.db.measure(() =>
        this.ctx.storage.transactionSync(() => {
          this.ensureSchema(ownerId, now);
          for (const fact of plan.upserts) {
            this.db.run(
              sql`INSERT INTO facts (id, kind, value, detail, source, learned_at, confidence)
                  VALUES (${fact.id}, ${fact.kind}, ${fact.value}, ${fact.detail ? JSON.stringify(fact.detail) : null}, ${JSON.stringify(fact.source)}, ${fact.learnedAt}, ${fact.confidence})
                  ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, value = excluded.value, detail = excluded.detail,
                    source = excluded.source, learned_at = excluded.learned_at, confidence = excluded.confidence`,
            );
          }
          for (const id of plan.deletes) this.db.run(sql`DELETE FROM facts WHERE id = ${id}`);
        }),
      );
      for (const fact of plan.upserts) this.facts.set(fact.id, fact);
      for (const id of plan.deletes) this.facts.delete(id);
      return { changed: plan.upserts.length + plan.deletes.length, rows };
    });
  }

  /**
   * Runs a change, then tells D1 (`profiles.memory_version`, one row) so every chat's copy is
   * known to be old; nothing else reaches this object until D1 has been told, so versions move in
   * the order the changes were made and whoever sees a change sees its version. If D1 cannot be
   * told, chats keep their copies until the next change moves it; the change itself stands.
   */
  private changing<T extends object>(ownerId: string, change: () => T | Promise<T>): Promise<T & { facts: StudentFact[]; version: number | null }> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const done = await change();
      const version = await bumpMemoryVersion(this.env.DB, { ownerId }).catch((error: unknown) => {
        console.error("[memory] could not move the memory version", error);
        return null;
      });
      return { ...done, facts: this.list(), version };
    });
  }

  /** Deletes one fact (the student's memory page). Forgetting a fact that is not held changes nothing. */
  async forget(ownerId: string, factId: unknown): Promise<Result<{ forgotten: boolean; facts: StudentFact[] }>> {
    if (!this.mine(ownerId)) return notFound();
    const id = FactId.safeParse(factId);
    if (!id.success) return fail("bad_request:body", "Invalid fact id.");
    if (!this.facts.has(id.data)) return ok({ forgotten: false, facts: this.list() });
    const { facts } = await this.changing(ownerId, () => {
      this.db.run(sql`DELETE FROM facts WHERE id = ${id.data}`);
      this.facts.delete(id.data);
      return {};
    });
    return ok({ forgotten: true, facts });
  }

  /** "Forget me": drops every row and any alarm, leaving 0 bytes of storage. */
  async forgetAll(ownerId: string): Promise<Result<{ forgotten: boolean }>> {
    if (!this.mine(ownerId)) return notFound();
    const held = this.hasSchema;
    const erase = async () => {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.facts = new Map();
      this.ownerId = null;
      this.hasSchema = false;
      return {};
    };
    // A memory that held nothing has no copies to outdate: no version to move.
    await (held ? this.changing(ownerId, erase) : erase());
    return ok({ forgotten: held });
  }

  /** Bytes of SQLite storage this object holds (tests assert forgetAll frees them). */
  storageBytes(): number {
    return this.ctx.storage.sql.databaseSize;
  }

  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** The object is the owner's if nobody else has claimed it: it is addressed by the owner's id. */
  private mine(ownerId: string): boolean {
    return OwnerId.safeParse(ownerId).success && (this.ownerId === null || this.ownerId === ownerId);
  }

  private ensureSchema(ownerId: string, now: number): void {
    if (!this.hasSchema) {
      migrate(this.db, MIGRATIONS);
      this.hasSchema = true;
    }
    if (this.ownerId === null) {
      this.db.run(sql`INSERT INTO owner (id, owner_id, created_at) VALUES (1, ${ownerId}, ${now})`);
      this.ownerId = ownerId;
    }
  }

  private list(): StudentFact[] {
    return [...this.facts.values()].sort((a, b) => b.learnedAt - a.learnedAt || (a.id < b.id ? -1 : 1));
  }
}

function unchanged(facts: StudentFact[]): Learned {
  return { facts, changed: 0, rows: { reads: 0, writes: 0 }, version: null };
}

function notFound(): Result<never> {
  return fail("not_found:memory", "No memory with that owner.");
}

/** A stored row as a fact; a row that no longer parses is left out rather than trusted. */
function factOf(row: FactRow): StudentFact | undefined {
  try {
    const parsed = StudentFact.safeParse({
      id: row.id,
      kind: row.kind,
      value: row.value,
      ...(row.detail ? { detail: TutorDetail.parse(JSON.parse(row.detail)) } : {}),
      source: FactSource.parse(JSON.parse(row.source)),
      learnedAt: row.learned_at,
      confidence: row.confidence,
    });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
