import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { planAbsorb, planFacts, type FactPlan } from "../lib/memory/facts";
import { dayOf, expiresAt, nextCheck } from "../lib/memory/retention";
import { movedLesson, settledLesson, type BookingLesson } from "../lib/memory/booking-change";
import { FactId, FactSource, MovedBooking, NewFacts, SettledBooking, StudentFact, TutorDetail } from "../lib/memory/schemas";
import { summaryAt, summaryDue, summaryModelOf, writeSummary, type SummaryConfig } from "../lib/memory/summary";
import type { TextModel } from "../lib/tutoring/rephrase";
import { DAY_MS, GRACE_DAYS, OwnerId } from "../lib/schemas";
import { memoryProfile } from "../services/db/memory";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { bumpMemoryVersion, memoryVersion } from "../services/db/memory-version";
import { ownerChatIds } from "../services/db/chats";
import { chatSession } from "../services/objects";
import { clock, fromPlatformAlarm, useClockOf } from "../lib/time";

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
 *
 * One alarm serves two jobs (docs/memory.md, "Retention", "Model summary"): the
 * retention check (a memory unused for the owner's tier's period deletes
 * itself) and, with ASSISTANT_MEMORY=llm and an `AI` binding, the optional
 * model-written summary (lib/memory/summary.ts), both off every turn's path.
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
  // UTC midnight (epoch ms) of the last recall or learn; written only when the day changes. Null in a
  // memory made before it: its creation day stands in.
  `ALTER TABLE owner ADD COLUMN last_used_at INTEGER`,
] as const;

type MemoryEnv = Env & { AI?: TextModel };

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

export class StudentMemory extends DurableObject<MemoryEnv> {
  private readonly db: CountingSql;
  private ownerId: string | null = null;
  /** Every fact, by id: read once per wake, then kept in step with each write. */
  private facts = new Map<string, StudentFact>();
  private hasSchema = false;
  /** UTC midnight of the last recall or learn, as stored (null: no memory). */
  private lastUsedDay: number | null = null;
  /** The alarm as set (read once per wake): only an earlier time is ever written. */
  private alarmAt: number | null = null;
  /** Bumped by every erase, so an answer awaited across one (a model's) is not written into the next memory. */
  private erasures = 0;
  /**
   * When "Forget me" last ran on this object while it stayed awake (epoch ms). Kept in memory
   * only, so `forgetAll` still leaves the storage of a never-used object. See `refusesStale`.
   */
  private forgottenAt: number | null = null;
  /** The owner's memory version as this object last moved or read it (undefined: not known yet). */
  private version: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: MemoryEnv) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  private async load(): Promise<void> {
    // A student never learned about has no tables at all: reading costs nothing and creates nothing.
    this.hasSchema = this.db.first(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_schema'`) !== undefined;
    if (!this.hasSchema) return;
    migrate(this.db, MIGRATIONS);
    const owner = this.db.first<{ owner_id: string; created_at: number; last_used_at: number | null }>(sql`SELECT owner_id, created_at, last_used_at FROM owner WHERE id = 1`);
    this.ownerId = owner?.owner_id ?? null;
    this.lastUsedDay = owner ? (owner.last_used_at ?? dayOf(owner.created_at)) : null;
    for (const row of this.db.all<FactRow>(sql`SELECT id, kind, value, detail, source, learned_at, confidence FROM facts`)) {
      const fact = factOf(row);
      if (fact) this.facts.set(fact.id, fact);
    }
    this.alarmAt = fromPlatformAlarm(await this.ctx.storage.getAlarm());
    // A memory made before retention existed has no alarm yet: its first check, once.
    if (this.alarmAt === null) await this.scheduleBy(clock.now() + GRACE_DAYS.free * DAY_MS);
  }

  /**
   * Every fact held about `ownerId`, newest first (from memory: 0 rows read). A recall is a use:
   * the first one of a UTC day writes the day (1 row), later ones write nothing.
   */
  async recall(ownerId: string): Promise<Result<{ facts: StudentFact[]; version: number | null }>> {
    if (!this.mine(ownerId)) return notFound();
    this.touch(clock.now());
    // The version first: a change landing in between labels these facts older than they are, never newer.
    const version = await this.knownVersion(ownerId);
    return ok({ facts: this.list(), version });
  }

  /**
   * `profiles.memory_version` as this object last moved it, read from D1 once per wake (1 statement,
   * on the first recall; null when D1 could not say, and then asked again next time).
   */
  private async knownVersion(ownerId: string): Promise<number | null> {
    if (this.version !== undefined) return this.version;
    const read = await memoryVersion(this.env.DB, { ownerId }).catch((error: unknown) => {
      console.warn("[memory] could not read the memory version", error);
      return null;
    });
    if (read !== null && this.version === undefined) this.version = read;
    return read;
  }

  /**
   * Learns `proposed` facts from an exchange that began at `now`: each is
   * written only if it changes what is held (one row per changed fact, plus
   * one per fact dropped past its kind's cap, plus the day of use when it
   * changed), all in one transaction. Creates the memory on first use, unless
   * the student asked to be forgotten after the exchange began.
   */
  async learn(ownerId: string, proposed: unknown, now: number): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = NewFacts.safeParse(proposed);
    if (!parsed.success) return fail("bad_request:body", "Invalid facts.", zodIssues(parsed.error));
    if (!Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid time.");
    if (this.refusesStale(now)) return forgotten();
    if (!this.hasSchema && planFacts(this.facts, parsed.data, now).upserts.length > 0) {
      // Creating the memory: one D1 read (by key) for the owner's last "Forget me", which outlives
      // this object's memory of it (an eviction or deploy between forgetAll and this call).
      // Unreadable: refuse rather than risk bringing back a memory the student deleted.
      const profile = await memoryProfile(this.env.DB, { ownerId }).catch((error: unknown) => {
        console.warn("[memory] could not read the profile; not creating the memory", error);
        return null;
      });
      if (!profile) return fail("persistence_unavailable:storage", "Could not check whether the student asked to be forgotten.");
      // A forgotten owner id is dead: no exchange, whenever it began, may bring its memory back.
      if (profile.ownerForgotten) this.forgottenAt = Number.MAX_SAFE_INTEGER;
      else if (profile.forgottenAt !== null) this.forgottenAt = Math.max(this.forgottenAt ?? 0, profile.forgottenAt);
      // Other calls ran while D1 answered: a forgetAll, or a learn that created the memory.
      if (this.refusesStale(now) || !this.mine(ownerId)) return forgotten();
    }
    const created = !this.hasSchema;
    const learned = await this.write(ownerId, planFacts(this.facts, parsed.data, now), now);
    const touched = this.db.measure(() => this.touch(now)).rows;
    const rows = { reads: learned.rows.reads + touched.reads, writes: learned.rows.writes + touched.writes };
    if (created && learned.changed > 0) await this.scheduleBy(clock.now() + GRACE_DAYS.free * DAY_MS);
    const model = summaryModelOf(this.env);
    if (model && learned.changed > 0) await this.scheduleBy(summaryAt(this.list(), clock.now()));
    return ok({ ...learned, facts: this.list(), rows });
  }

  /**
   * The race with "Forget me": a chat turn reads the memory, answers, and only then sends what it
   * learned, un-awaited. If Forget me ran in between, that call arrives after forgetAll and would
   * write a fact back. Every exchange carries the time it began (`now`), so a learn from an
   * exchange that began at or before the forget is refused. This object remembers the moment while
   * it stays awake (free); if it was evicted or restarted in between, the first learn that would
   * create the memory again reads D1: Forget me records the owner id as forgotten before anything is
   * deleted (`forgotten_owners`), and such an id learns nothing ever again (an older Forget me left
   * its moment in profiles.memory_forgotten_at). The times come from two clocks (the chat's object and
   * the sidecar's entrypoint); Cloudflare keeps them within milliseconds, and "at or before" errs
   * towards refusing. A chat's D1 row could not serve: a new chat's first learn can arrive before
   * its row is recorded, so "no such chat" cannot tell "deleted" from "not yet written".
   */
  private refusesStale(now: number): boolean {
    return this.forgottenAt !== null && now <= this.forgottenAt;
  }

  /**
   * A booking's outcome decided outside the chat's turn (the student's cancel in a chat or on My
   * bookings, the center's cancel, attendance): the tutor fact that remembers that booking takes it
   * (lib/memory/booking-change.ts). 1 row when it changes (2 for the student's cancel: the last
   * interaction too), else 0; nothing when no fact remembers that booking.
   */
  async settle(ownerId: string, bookingId: unknown, outcome: unknown, now: number, cancelledBy?: unknown): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = SettledBooking.safeParse({ bookingId, outcome, ...(cancelledBy === undefined ? {} : { cancelledBy }) });
    if (!parsed.success) return fail("bad_request:body", "Invalid booking outcome.", zodIssues(parsed.error));
    return this.changeBooking(ownerId, settledLesson(this.facts.values(), parsed.data), now);
  }

  /**
   * A booking moved (the chat's move): the tutor fact that remembers it takes the new weekly hour
   * and tutor, and the last interaction says so: 2 rows, +1 when the tutor changed (the old
   * tutor's fact is deleted); nothing when no fact remembers that booking.
   */
  async moved(ownerId: string, move: unknown, now: number): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = MovedBooking.safeParse(move);
    if (!parsed.success) return fail("bad_request:body", "Invalid move.", zodIssues(parsed.error));
    return this.changeBooking(ownerId, movedLesson(this.facts.values(), parsed.data), now);
  }

  private async changeBooking(ownerId: string, lesson: BookingLesson, now: number): Promise<Result<Learned>> {
    if (!Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid time.");
    if (lesson.facts.length === 0 && lesson.drop.length === 0) return ok(unchanged(this.list()));
    // Planned as if the dropped facts were gone already, so a kind's cap does not evict one more.
    const kept = new Map([...this.facts].filter(([id]) => !lesson.drop.includes(id)));
    const plan = planFacts(kept, lesson.facts, now);
    plan.deletes.push(...lesson.drop.filter((id) => this.facts.has(id)));
    return ok(await this.write(ownerId, plan, now));
  }

  /** Stores the day of use when it changed (at most one row per UTC day; an older `now` never moves it back). */
  private touch(now: number): void {
    const day = dayOf(now);
    if (!this.hasSchema || (this.lastUsedDay !== null && day <= this.lastUsedDay)) return;
    this.db.run(sql`UPDATE owner SET last_used_at = ${day} WHERE id = 1`);
    this.lastUsedDay = day;
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
  private async changing<T extends object>(ownerId: string, change: () => T | Promise<T>): Promise<T & { facts: StudentFact[]; version: number | null }> {
    const changed = await this.ctx.blockConcurrencyWhile(async () => {
      const done = await change();
      const version = await bumpMemoryVersion(this.env.DB, { ownerId }).catch((error: unknown) => {
        console.error("[memory] could not move the memory version", error);
        return null;
      });
      // Unknown again when D1 could not be told: the next recall asks it.
      this.version = version ?? undefined;
      return { ...done, facts: this.list(), version };
    });
    await this.tellChats(ownerId, changed.version);
    return changed;
  }

  /**
   * Tells each of the owner's chats that its copy of this memory is older than `version` (null: than
   * anything), before the change is answered, so every chat's next turn asks again: 1 D1 statement
   * (the owner's chats, live or in the trash, by the index on their owner) and 1 call per chat. A chat not told (unreachable)
   * keeps its copy until the next change reaches it, or a day (durable-objects/chat/memory.ts).
   */
  private async tellChats(ownerId: string, version: number | null): Promise<void> {
    try {
      const chats = await ownerChatIds(this.env.DB, { ownerId, limit: 200 });
      const told = await Promise.allSettled(chats.map((id) => chatSession(this.env, id).memoryChanged(ownerId, version)));
      for (const result of told) if (result.status === "rejected") console.warn("[memory] could not tell a chat of a change", result.reason);
    } catch (error) {
      console.warn("[memory] could not list the owner's chats to tell them of a change", error);
    }
  }

  /**
   * Another owner's facts join this memory (the student signed in: services/owner-merge.ts), each as
   * it was learned; the newer of two versions of a fact wins and each kind's cap still holds. One row
   * per fact taken; a repeat takes nothing and writes nothing.
   */
  async absorb(ownerId: string, facts: unknown, now: number): Promise<Result<Learned>> {
    if (!this.mine(ownerId)) return notFound();
    const parsed = StudentFact.array().max(200).safeParse(facts);
    if (!parsed.success) return fail("bad_request:body", "Invalid facts.", zodIssues(parsed.error));
    const learned = await this.write(ownerId, planAbsorb(this.facts, parsed.data), now);
    if (learned.changed > 0 && this.alarmAt === null) await this.scheduleBy(clock.now() + GRACE_DAYS.free * DAY_MS);
    return ok({ ...learned, facts: this.list() });
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

  /**
   * "Forget me": drops every row and any alarm, leaving 0 bytes of storage, and refuses (while
   * awake) learning from any exchange that began at or before `now` (the moment the student asked).
   * Answers whether there was a memory and how many facts it held.
   */
  async forgetAll(ownerId: string, now: number = clock.now()): Promise<Result<{ forgotten: boolean; facts: number }>> {
    if (!this.mine(ownerId)) return notFound();
    if (!Number.isSafeInteger(now) || now < 0) return fail("bad_request:body", "Invalid time.");
    const held = this.hasSchema;
    const facts = this.facts.size;
    this.forgottenAt = Math.max(this.forgottenAt ?? 0, now, clock.now());
    // A memory that held nothing has no copies to outdate: no version to move.
    await (held ? this.changing(ownerId, async () => (await this.erase(), {})) : this.erase());
    return ok({ forgotten: held, facts });
  }

  /**
   * The alarm: first the retention check (one D1 read for the owner's tier; a memory unused for
   * its tier's period is erased), then, if due and configured, the model's summary; then the next
   * check. Runs off every turn's path.
   */
  async alarm(): Promise<void> {
    this.alarmAt = null;
    const ownerId = this.ownerId;
    if (!this.hasSchema || ownerId === null || this.lastUsedDay === null) return;
    const { tier } = await memoryProfile(this.env.DB, { ownerId });
    if (!this.hasSchema || this.lastUsedDay === null) return;
    const now = clock.now();
    if (now >= expiresAt(this.lastUsedDay, tier)) {
      await this.changing(ownerId, async () => (await this.erase(), {}));
      console.log(`[memory] erased after ${GRACE_DAYS[tier]} days unused (${tier})`);
      return;
    }
    await this.summarize(this.env, now);
    if (this.hasSchema && this.lastUsedDay !== null) await this.scheduleBy(nextCheck(this.lastUsedDay, tier, now));
  }

  /**
   * The alarm's summary step: with a model configured (`summaryModelOf`: ASSISTANT_MEMORY=llm and
   * an `AI` binding) and a summary due (lib/memory/summary.ts), one model call; a valid answer is
   * stored as the `summary` fact (1 row), anything else is dropped. Tests call it with a named fake
   * of Workers AI; nothing else does.
   */
  async summarize(config: SummaryConfig, now: number): Promise<{ written: boolean }> {
    const model = summaryModelOf(config);
    const ownerId = this.ownerId;
    if (!model || !this.hasSchema || ownerId === null || !summaryDue(this.list(), now)) return { written: false };
    const erasures = this.erasures;
    const summary = await writeSummary(model, this.list());
    // The model call let other calls in: a forgetAll (or expiry) during it must not be undone by its answer.
    if (!summary || this.erasures !== erasures || !this.hasSchema) return { written: false };
    // The same words again are still written (with this time), so "at most once per 6 hours" holds.
    const plan = planFacts(this.facts, [summary], now);
    const held = this.facts.get("summary");
    if (plan.upserts.length === 0 && held) plan.upserts.push({ ...held, learnedAt: now });
    return { written: (await this.write(ownerId, plan, now)).changed > 0 };
  }

  private async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.facts = new Map();
    this.ownerId = null;
    this.hasSchema = false;
    this.lastUsedDay = null;
    this.alarmAt = null;
    this.erasures++;
  }

  /** Sets the alarm to `at` unless it is already due sooner (one alarm write, else none). */
  private async scheduleBy(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(clock.toPlatform(at));
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
      this.db.run(sql`INSERT INTO owner (id, owner_id, created_at, last_used_at) VALUES (1, ${ownerId}, ${now}, ${dayOf(now)})`);
      this.ownerId = ownerId;
      this.lastUsedDay = dayOf(now);
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

function forgotten(): Result<never> {
  return fail("not_found:memory", "The student asked to be forgotten after this exchange began.");
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
