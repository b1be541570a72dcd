import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { LIMITS, refusal, takeFromBucket, type BucketState } from "../lib/rate-limits";
import { OwnerId, SessionId } from "../lib/schemas";
import {
  ClaimInput, ClaimNextInput, CompleteInput, ConversationQuery, EnqueueInput, FeedQuery,
  MAX_ATTEMPTS, QueueLimit, QueueMessageId, SetPriorityInput,
  type CompleteResult, type DeadLetter, type EnqueueResult, type ExpiryResult,
  type FeedEntry, type FeedPage, type Lease, type QueuedMessage, type QueueStats,
} from "../lib/queue/schemas";
import { FEED_WINDOW_ENTRIES, FeedWindow } from "./queue/feed-window";
import { fromRow, toFeedEntry, toLease, toNewRow, toQueued, type OpenMessage } from "./queue/open-message";
import { DeadLetterNotices } from "./queue/dead-letter-notices";
import { OpenMessages } from "./queue/open-messages";
import { conflict, notFound, staleLease, type Measured } from "./queue/results";
import * as store from "./queue/store";
import { CountingSql, migrate, type RowCounts } from "./sql";
import type { z } from "../lib/zod";
import { clock, fromPlatformAlarm, useClockOf } from "../lib/time";

export type { Measured } from "./queue/results";

/** Who is calling, when it is an outside bot: its token's id, the key of its call limit. */
export interface BotCaller {
  bot: string;
}

/**
 * The bot queue and the staff feed, in ONE Durable Object (the caller names it,
 * e.g. "global"). It fixes the storage read explosion of the old design, where
 * every poll listed and read every conversation: here storage (SQLite) is the
 * source of truth, and memory holds exactly what polls need:
 *
 * - the pending queue (a heap, see indexed-heap.ts) and the live leases (a heap
 *   by expiry, whose head is the DO alarm), rebuilt on wake from the partial
 *   index of open rows only;
 * - the newest feed entries (feed-window.ts), rebuilt from `ORDER BY seq DESC LIMIT n`;
 * - dead letters whose student has not been told yet.
 *
 * So a poll of `pending` or `feed` reads 0 rows, and enqueue, claim and
 * complete touch a constant number of rows however many conversations exist.
 * Every method reports `kvStats`: the exact rows it read and wrote.
 *
 * Replies reach chats through the sidecar: it appends a bot's reply to the
 * chat when `complete` answers. The one call this object makes to a
 * ChatSession is the dead-letter apology (queue/dead-letter-notices.ts), from
 * its alarm, because nobody else is awake when a lease lapses for the last time.
 *
 * Lease expiry is driven by the alarm, never by polling: the alarm is kept at
 * the earliest lease expiry, moved when that lease completes, deleted when no
 * lease is left. A lease whose time has passed but whose alarm has not run yet
 * can still complete: nobody else holds the message, so that loses nothing.
 */
/** A message id another chat already queued: refused, so one chat can never act on another's message. */
function idTaken(messageId: string): Result<never> {
  return fail("conflict:message", `Message id ${messageId} belongs to another chat; use a new id.`);
}

export { UNANSWERED } from "./queue/dead-letter-notices";

export class MessageQueue extends DurableObject<Env> {
  private readonly db: CountingSql;
  private readonly open = new OpenMessages();
  private readonly recent = new FeedWindow();
  /** Dead messages whose student has not been told yet. */
  private readonly deadNotices: DeadLetterNotices;
  private deadCount = 0;
  /** The alarm we believe is scheduled (mirrors storage, so moving it needs no read). */
  private alarmAt: number | null = null;
  /**
   * Bot calls per token (LIMITS.botCallsPerToken), never stored: a bucket refills in
   * 12 s and an object is evicted only after longer idle, so eviction forgets nothing.
   */
  private readonly botBuckets = new Map<string, BucketState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    this.deadNotices = new DeadLetterNotices(this.db, env);
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  /** Rebuilds memory from indexed reads of the open rows, the newest window and the dead letters; never the whole history. */
  private async load(): Promise<void> {
    migrate(this.db, store.MIGRATIONS);
    for (const row of store.openMessages(this.db)) this.open.track(fromRow(row));
    const newest = store.newestEntries(this.db, FEED_WINDOW_ENTRIES);
    this.recent.load(newest, newest.length < FEED_WINDOW_ENTRIES);
    this.deadCount = store.countDeadLetters(this.db);
    this.deadNotices.load();
    this.alarmAt = fromPlatformAlarm(await this.ctx.storage.getAlarm());
    await this.syncAlarm();
  }

  /** Queues a student's message (already stored in its ChatSession). Idempotent on `messageId`. */
  enqueue(input: EnqueueInput): Result<Measured<EnqueueResult>> {
    const parsed = this.admitted(undefined, EnqueueInput, input, "bad_request:body", "Invalid queue message.");
    if (!parsed.ok) return parsed;
    const message = parsed.value;
    return this.measured((): Result<EnqueueResult> => {
      const known = this.open.get(message.messageId);
      // A retry of this chat's message is idempotent; the same id from another chat is refused, never merged.
      if (known && known.sessionId !== message.sessionId) return idTaken(message.messageId);
      if (known) return ok({ messageId: known.messageId, seq: known.seq, status: known.status, created: false });
      const fresh: OpenMessage = {
        seq: this.recent.lastSeq + 1,
        messageId: message.messageId,
        sessionId: message.sessionId,
        ownerId: message.ownerId ?? null,
        content: message.content,
        priority: message.priority,
        attempts: 0,
        createdAt: message.createdAt,
        status: "pending",
        lease: null,
      };
      if (!store.insertMessage(this.db, toNewRow(fresh, clock.now()))) {
        // Queued long ago and no longer open (completed or dead): report it, change nothing.
        const row = store.findMessage(this.db, message.messageId)!;
        if (row.session_id !== message.sessionId) return idTaken(message.messageId);
        return ok({ messageId: row.message_id, seq: row.seq, status: row.status, created: false });
      }
      this.recent.append(toFeedEntry(fresh));
      this.open.track(fresh);
      return ok({ messageId: fresh.messageId, seq: fresh.seq, status: "pending", created: true });
    });
  }

  /** The best `limit` pending messages (priority desc, then oldest), from memory. */
  pending(limit?: unknown, caller?: BotCaller): Result<Measured<{ messages: QueuedMessage[]; total: number; leased: number; deadNotices: number }>> {
    const parsed = this.admitted(caller, QueueLimit, limit, "bad_request:query", "Invalid limit.");
    if (!parsed.ok) return parsed;
    return this.measured(() =>
      ok({
        messages: this.open.top(parsed.value).map(toQueued),
        total: this.open.pendingCount,
        leased: this.open.leasedCount,
        deadNotices: this.deadNotices.size,
      }),
    );
  }

  /** Leases one pending message to `workerId` for `leaseMs` (default 60 s). */
  async claim(input: unknown, caller?: BotCaller): Promise<Result<Measured<Lease>>> {
    const parsed = this.admitted(caller, ClaimInput, input, "bad_request:body", "Invalid claim.");
    if (!parsed.ok) return parsed;
    const { messageId, workerId, leaseMs } = parsed.value;
    const result = this.measured(() => {
      const message = this.open.get(messageId);
      if (!message) return this.notOpen(messageId);
      if (message.status !== "pending") return conflict(messageId, message.status);
      return ok(this.lease(message, workerId, leaseMs));
    });
    await this.syncAlarm();
    return result;
  }

  /** Leases the best pending message, or answers `lease: null` when the queue is empty. */
  async claimNext(input: unknown, caller?: BotCaller): Promise<Result<Measured<{ lease: Lease | null }>>> {
    const parsed = this.admitted(caller, ClaimNextInput, input, "bad_request:body", "Invalid claim.");
    if (!parsed.ok) return parsed;
    const result = this.measured(() => {
      const best = this.open.best();
      return ok({ lease: best ? this.lease(best, parsed.value.workerId, parsed.value.leaseMs) : null });
    });
    await this.syncAlarm();
    return result;
  }

  /**
   * Completes a leased message with the bot's reply, stored once and appended
   * to the feed. Idempotent per lease: the same lease again gets the stored
   * reply with `duplicate: true`; any other lease gets `conflict:lease`.
   */
  async complete(input: unknown, caller?: BotCaller): Promise<Result<Measured<CompleteResult>>> {
    const parsed = this.admitted(caller, CompleteInput, input, "bad_request:body", "Invalid completion.");
    if (!parsed.ok) return parsed;
    const { messageId, leaseId, reply } = parsed.value;
    const result = this.measured((): Result<CompleteResult> => {
      const message = this.open.get(messageId);
      if (message) {
        if (message.status !== "leased" || message.lease?.leaseId !== leaseId) return staleLease(messageId);
        const now = clock.now();
        const entry: FeedEntry = { seq: this.recent.lastSeq + 1, kind: "reply", messageId, sessionId: message.sessionId, content: reply, createdAt: now };
        this.ctx.storage.transactionSync(() =>
          store.markCompleted(this.db, { seq: message.seq, ownerId: message.ownerId, workerId: message.lease!.workerId }, entry, now),
        );
        this.open.untrack(message);
        this.recent.append(entry);
        return ok({ completed: true, duplicate: false, messageId, sessionId: message.sessionId, ownerId: message.ownerId, reply, replySeq: entry.seq, queuedAt: message.createdAt });
      }
      // Not open: either this very lease completed it before (a retry), or the caller lost the lease.
      const row = store.findMessage(this.db, messageId);
      if (!row) return notFound(messageId);
      if (row.status !== "completed" || row.lease_id !== leaseId) return staleLease(messageId);
      const stored = store.findReply(this.db, messageId)!;
      return ok({ completed: true, duplicate: true, messageId, sessionId: row.session_id, ownerId: row.owner_id, reply: stored.content, replySeq: stored.seq, queuedAt: row.created_at });
    });
    await this.syncAlarm();
    return result;
  }

  /** Moves a pending message to another priority (1..10). */
  setPriority(input: unknown, caller?: BotCaller): Result<Measured<{ messageId: string; priority: number }>> {
    const parsed = this.admitted(caller, SetPriorityInput, input, "bad_request:body", "Invalid priority.");
    if (!parsed.ok) return parsed;
    const { messageId, priority } = parsed.value;
    return this.measured(() => {
      const message = this.open.get(messageId);
      if (!message) return this.notOpen(messageId);
      if (message.status !== "pending") return conflict(messageId, message.status);
      store.setPriority(this.db, message.seq, priority, clock.now());
      this.open.reprioritize(message, priority);
      return ok({ messageId, priority });
    });
  }

  /** The oldest `limit` dead letters (an indexed read of dead rows only). */
  deadLetters(limit?: unknown, caller?: BotCaller): Result<Measured<{ deadLetters: DeadLetter[]; total: number }>> {
    const parsed = this.admitted(caller, QueueLimit, limit, "bad_request:query", "Invalid limit.");
    if (!parsed.ok) return parsed;
    return this.measured(() => ok({ deadLetters: store.deadLetters(this.db, parsed.value), total: this.deadCount }));
  }

  /** Puts a dead letter back in the queue with its attempts reset to 0. */
  requeue(messageId: unknown, caller?: BotCaller): Result<Measured<{ messageId: string; status: "pending" }>> {
    const parsed = this.admitted(caller, QueueMessageId, messageId, "bad_request:params", "Invalid message id.");
    if (!parsed.ok) return parsed;
    return this.measured(() => {
      const open = this.open.get(parsed.value);
      if (open) return conflict(parsed.value, open.status);
      const row = store.findMessage(this.db, parsed.value);
      if (!row) return notFound(parsed.value);
      if (row.status !== "dead") return conflict(parsed.value, row.status);
      store.markPending(this.db, row.seq, 0, clock.now());
      this.deadCount--;
      this.deadNotices.forget(row.message_id);
      this.open.track(fromRow({ ...row, status: "pending", attempts: 0 }));
      return ok({ messageId: row.message_id, status: "pending" as const });
    });
  }

  /**
   * Hands out the messages that died since the last call and marks them told,
   * for a caller that tells the students itself (the alarm does, otherwise).
   * 0 rows read; one row written per notice.
   */
  drainDeadLetterNotices(): Result<Measured<{ notices: DeadLetter[] }>> {
    return this.measured(() => ok({ notices: this.deadNotices.drain() }));
  }

  /** The staff feed after a `seq` cursor: from memory inside the window, else one primary-key range read. */
  feed(query: unknown, caller?: BotCaller): Result<Measured<FeedPage>> {
    const parsed = this.admitted(caller, FeedQuery, query, "bad_request:query", "Invalid feed cursor.");
    if (!parsed.ok) return parsed;
    const { after, limit } = parsed.value;
    return this.measured((): Result<FeedPage> => {
      const page = this.recent.after(after, limit);
      if (page) return ok({ ...page, lastSeq: page.entries.at(-1)?.seq ?? after, source: "memory" });
      const rows = store.entriesAfter(this.db, after, limit);
      const entries = rows.slice(0, limit);
      return ok({ entries, hasMore: rows.length > limit, lastSeq: entries.at(-1)?.seq ?? after, source: "storage" });
    });
  }

  /** The newest `limit` entries of one session, oldest first (bot context): one read of ≤ limit rows. */
  conversation(query: unknown, caller?: BotCaller): Result<Measured<{ entries: FeedEntry[] }>> {
    const parsed = this.admitted(caller, ConversationQuery, query, "bad_request:query", "Invalid conversation query.");
    if (!parsed.ok) return parsed;
    return this.measured(() => ok({ entries: store.sessionEntries(this.db, parsed.value.sessionId, parsed.value.limit).reverse() }));
  }

  /**
   * Returns leases that expired by `now` to the queue (attempts + 1), or to the
   * dead letters at MAX_ATTEMPTS. The alarm calls it with the clock; tests call
   * it with a later `now` instead of sleeping.
   */
  async expireLeases(now: number = clock.now()): Promise<Result<Measured<ExpiryResult>>> {
    const result = this.measured(() => ok(this.expire(now)));
    await this.syncAlarm();
    return result;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null; // the alarm that woke us is spent; syncAlarm sets the next one
    await this.expireLeases(clock.now());
    await this.deadNotices.tellStudents(clock.now());
    await this.syncAlarm();
  }

  /**
   * Hard delete: forgets the text of these chats (their message and reply
   * rows keep only their seq), and drops their open messages from the queue.
   * Idempotent. One indexed UPDATE per chat.
   */
  async forgetSessions(sessionIds: string[]): Promise<Result<Measured<{ sessions: number }>>> {
    const ids = new Set(sessionIds.filter((id) => SessionId.safeParse(id).success));
    const result = this.measured(() => {
      const now = clock.now();
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) store.redactSession(this.db, id, now);
      });
      for (const message of this.open.all()) {
        if (!ids.has(message.sessionId)) continue;
        this.open.untrack(message);
        this.deadCount++;
      }
      this.deadNotices.forgetSessions(ids);
      this.recent.redact(ids);
      return ok({ sessions: ids.size });
    });
    await this.syncAlarm();
    return result;
  }

  /**
   * The student signed in and their chats moved to the account's owner id (services/owner-merge.ts):
   * their messages here follow, so a staff or bot answer, or the apology for a dead one, still reaches
   * the chat. One row per entry of those chats; a repeat writes nothing.
   */
  async handOverSessions(sessionIds: string[], ownerId: string): Promise<Result<Measured<{ sessions: number }>>> {
    const ids = new Set(sessionIds.filter((id) => SessionId.safeParse(id).success));
    if (!OwnerId.safeParse(ownerId).success) return this.measured(() => fail("bad_request:owner", "Not an owner id."));
    return this.measured(() => {
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) store.setSessionOwner(this.db, id, ownerId);
      });
      for (const message of this.open.all()) if (ids.has(message.sessionId)) message.ownerId = ownerId;
      this.deadNotices.handOver(ids, ownerId);
      return ok({ sessions: ids.size });
    });
  }

  /** Counts from memory, for dashboards and tests: 0 rows. */
  stats(): Result<Measured<QueueStats>> {
    return this.measured(() =>
      ok({
        pending: this.open.pendingCount,
        leased: this.open.leasedCount,
        dead: this.deadCount,
        deadUnnotified: this.deadNotices.size,
        feedWindow: {
          entries: this.recent.size,
          bytes: this.recent.bytes,
          coversAfter: this.recent.coversAfter,
          lastSeq: this.recent.lastSeq,
        },
        memoryBytes: this.recent.bytes + this.open.bytes,
        nextAlarmAt: this.alarmAt,
      }),
    );
  }

  /** Rows read and written by this instance so far, including its wake-up (tests and the benchmark read it). */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  private expire(now: number): ExpiryResult {
    const requeued: string[] = [];
    const dead: string[] = [];
    for (let next = this.open.firstToExpire(); next?.lease && next.lease.expiresAt <= now; next = this.open.firstToExpire()) {
      const attempts = next.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        store.markDead(this.db, next.seq, attempts, now);
        this.open.untrack(next);
        this.deadCount++;
        const { seq, messageId, sessionId, ownerId, content } = next;
        this.deadNotices.add({ seq, messageId, sessionId, ownerId, content, attempts, diedAt: now });
        dead.push(messageId);
      } else {
        store.markPending(this.db, next.seq, attempts, now);
        this.open.returnToLine(next, attempts);
        requeued.push(next.messageId);
      }
    }
    return { requeued, dead };
  }

  private lease(message: OpenMessage, workerId: string, leaseMs: number): Lease {
    const now = clock.now();
    const lease = { leaseId: crypto.randomUUID(), workerId, expiresAt: now + leaseMs };
    store.markLeased(this.db, message.seq, lease, now);
    this.open.leaseTo(message, lease);
    return toLease(message);
  }

  /** Keeps the alarm at the earliest lease expiry (or notice retry), or none; memory says where it is, so no read. */
  private async syncAlarm(): Promise<void> {
    const leaseExpiry = this.open.firstToExpire()?.lease?.expiresAt ?? null;
    const retry = this.deadNotices.retryAt;
    const next = leaseExpiry === null ? retry : retry === null ? leaseExpiry : Math.min(leaseExpiry, retry);
    if (next === this.alarmAt) return;
    this.alarmAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(clock.toPlatform(next));
  }

  /** A message that is not open: 404 if storage never saw it, else 409 with its state (one indexed read). */
  private notOpen(messageId: string): Result<never> {
    const row = store.findMessage(this.db, messageId);
    return row ? conflict(messageId, row.status) : notFound(messageId);
  }

  /**
   * Every call's door: a bot's call limit (one bucket per token, in memory: every bot call
   * reaches this one object, so the count is exact), then the argument's schema. The one
   * place the queue's inputs are checked; the sidecar passes bots' input through unread.
   */
  private admitted<S extends z.ZodType>(
    caller: BotCaller | undefined,
    schema: S,
    input: unknown,
    code: "bad_request:body" | "bad_request:query" | "bad_request:params",
    message: string,
  ): Result<z.output<S>> {
    if (caller) {
      const { decision, state } = takeFromBucket(LIMITS.botCallsPerToken, this.botBuckets.get(caller.bot) ?? null, clock.now());
      this.botBuckets.set(caller.bot, state);
      if (!decision.allowed) return refusal("botCallsPerToken", decision.retryAfterMs);
    }
    const parsed = schema.safeParse(input);
    return parsed.success ? ok(parsed.data) : fail(code, message, zodIssues(parsed.error));
  }

  private measured<T>(work: () => Result<T>): Result<Measured<T>> {
    const { result, rows } = this.db.measure(work);
    return result.ok ? ok({ ...result.value, kvStats: rows }) : result;
  }
}
