import { DurableObject } from "cloudflare:workers";
import { fail, limited, ok, zodIssues, type Result } from "../lib/errors";
import { LIMITS, takeFromBucket, type BucketState } from "../lib/rate-limits";
import { SessionId } from "../lib/schemas";
import {
  ClaimInput, ClaimNextInput, CompleteInput, ConversationQuery, EnqueueInput, FeedQuery,
  MAX_ATTEMPTS, QueueLimit, QueueMessageId, SetPriorityInput,
  type CompleteResult, type DeadLetter, type EnqueueResult, type ExpiryResult,
  type FeedEntry, type FeedPage, type Lease, type QueuedMessage, type QueueStats,
} from "../lib/queue/schemas";
import { FEED_WINDOW_ENTRIES, FeedWindow } from "./queue/feed-window";
import { IndexedHeap } from "./queue/indexed-heap";
import { expiresBefore, fromRow, keyOf, openBytes, servedBefore, toLease, toQueued, type OpenMessage } from "./queue/open-message";
import { conflict, notFound, staleLease, type Measured } from "./queue/results";
import * as store from "./queue/store";
import { CountingSql, migrate, type RowCounts } from "./sql";

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
 * The DO never calls a ChatSession (no callbacks across objects): the sidecar
 * appends a reply to the chat when `complete` answers `duplicate: false`, and
 * tells students about dead messages it gets from `drainDeadLetterNotices()`.
 *
 * Lease expiry is driven by the alarm, never by polling: the alarm is kept at
 * the earliest lease expiry, moved when that lease completes, deleted when no
 * lease is left. A lease whose time has passed but whose alarm has not run yet
 * can still complete: nobody else holds the message, so that loses nothing.
 */
/** What a student sees when the assistant failed their message MAX_ATTEMPTS times. */
/** A message id another chat already queued: refused, so one chat can never act on another's message. */
function idTaken(messageId: string): Result<never> {
  return fail("conflict:message", `Message id ${messageId} belongs to another chat; use a new id.`);
}

/** A dead letter's student who could not be told yet is tried again this much later. */
const NOTICE_RETRY_MS = 60_000;

export const UNANSWERED = "Sorry, the assistant could not answer that message. Please try again, or leave a message for the tutoring center.";

export class MessageQueue extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** Every pending or leased message, by id. */
  private readonly open = new Map<string, OpenMessage>();
  private readonly pendingHeap = new IndexedHeap<OpenMessage>(servedBefore, keyOf);
  private readonly leaseHeap = new IndexedHeap<OpenMessage>(expiresBefore, keyOf);
  private readonly recent = new FeedWindow();
  /** Newly dead messages, until drainDeadLetterNotices hands them out. */
  private readonly deadNotices = new Map<string, DeadLetter>();
  private deadCount = 0;
  private openBytes = 0;
  /** The alarm we believe is scheduled (mirrors storage, so moving it needs no read). */
  private alarmAt: number | null = null;
  /** When to try again to tell students whose dead letter could not be announced. */
  private noticeRetryAt: number | null = null;
  /**
   * Bot calls per token (LIMITS.botCallsPerToken), never stored: a bucket refills in
   * 12 s and an object is evicted only after longer idle, so eviction forgets nothing.
   */
  private readonly botBuckets = new Map<string, BucketState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.load());
  }

  /** Rebuilds memory from indexed reads of the open rows, the newest window and the dead letters; never the whole history. */
  private async load(): Promise<void> {
    migrate(this.db, store.MIGRATIONS);
    for (const row of store.openMessages(this.db)) this.track(fromRow(row));
    const newest = store.newestEntries(this.db, FEED_WINDOW_ENTRIES);
    this.recent.load(newest, newest.length < FEED_WINDOW_ENTRIES);
    this.deadCount = store.countDeadLetters(this.db);
    for (const dead of store.unnotifiedDeadLetters(this.db)) this.deadNotices.set(dead.messageId, dead);
    this.alarmAt = await this.ctx.storage.getAlarm();
    await this.syncAlarm();
  }

  /** Queues a student's message (already stored in its ChatSession). Idempotent on `messageId`. */
  enqueue(input: EnqueueInput): Result<Measured<EnqueueResult>> {
    const parsed = EnqueueInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid queue message.", zodIssues(parsed.error));
    const message = parsed.data;
    return this.measured((): Result<EnqueueResult> => {
      const known = this.open.get(message.messageId);
      // A retry of this chat's message is idempotent; the same id from another chat is refused, never merged.
      if (known && known.sessionId !== message.sessionId) return idTaken(message.messageId);
      if (known) return ok({ messageId: known.messageId, seq: known.seq, status: known.status, created: false });
      const now = Date.now();
      const entry: FeedEntry = {
        seq: this.recent.lastSeq + 1,
        kind: "message",
        messageId: message.messageId,
        sessionId: message.sessionId,
        content: message.content,
        createdAt: message.createdAt,
      };
      const inserted = store.insertMessage(this.db, {
        seq: entry.seq,
        message_id: message.messageId,
        session_id: message.sessionId,
        owner_id: message.ownerId ?? null,
        content: message.content,
        created_at: message.createdAt,
        status: "pending",
        priority: message.priority,
        attempts: 0,
        updated_at: now,
      });
      if (!inserted) {
        // Queued long ago and no longer open (completed or dead): report it, change nothing.
        const row = store.findMessage(this.db, message.messageId)!;
        if (row.session_id !== message.sessionId) return idTaken(message.messageId);
        return ok({ messageId: row.message_id, seq: row.seq, status: row.status, created: false });
      }
      this.recent.append(entry);
      this.track({
        seq: entry.seq,
        messageId: entry.messageId,
        sessionId: entry.sessionId,
        ownerId: message.ownerId ?? null,
        content: entry.content,
        priority: message.priority,
        attempts: 0,
        createdAt: entry.createdAt,
        status: "pending",
        lease: null,
      });
      return ok({ messageId: entry.messageId, seq: entry.seq, status: "pending", created: true });
    });
  }

  /** The best `limit` pending messages (priority desc, then oldest), from memory. */
  pending(limit?: number, caller?: BotCaller): Result<Measured<{ messages: QueuedMessage[]; total: number; leased: number; deadNotices: number }>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = QueueLimit.safeParse(limit);
    if (!parsed.success) return fail("bad_request:query", "Invalid limit.", zodIssues(parsed.error));
    return this.measured(() =>
      ok({
        messages: this.pendingHeap.top(parsed.data).map(toQueued),
        total: this.pendingHeap.size,
        leased: this.leaseHeap.size,
        deadNotices: this.deadNotices.size,
      }),
    );
  }

  /** Leases one pending message to `workerId` for `leaseMs` (default 60 s). */
  async claim(input: ClaimInput, caller?: BotCaller): Promise<Result<Measured<Lease>>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = ClaimInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid claim.", zodIssues(parsed.error));
    const { messageId, workerId, leaseMs } = parsed.data;
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
  async claimNext(input: ClaimNextInput, caller?: BotCaller): Promise<Result<Measured<{ lease: Lease | null }>>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = ClaimNextInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid claim.", zodIssues(parsed.error));
    const result = this.measured(() => {
      const best = this.pendingHeap.peek();
      return ok({ lease: best ? this.lease(best, parsed.data.workerId, parsed.data.leaseMs) : null });
    });
    await this.syncAlarm();
    return result;
  }

  /**
   * Completes a leased message with the bot's reply, stored once and appended
   * to the feed. Idempotent per lease: the same lease again gets the stored
   * reply with `duplicate: true`; any other lease gets `conflict:lease`.
   */
  async complete(input: CompleteInput, caller?: BotCaller): Promise<Result<Measured<CompleteResult>>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = CompleteInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid completion.", zodIssues(parsed.error));
    const { messageId, leaseId, reply } = parsed.data;
    const result = this.measured((): Result<CompleteResult> => {
      const message = this.open.get(messageId);
      if (message) {
        if (message.status !== "leased" || message.lease?.leaseId !== leaseId) return staleLease(messageId);
        const now = Date.now();
        const entry: FeedEntry = { seq: this.recent.lastSeq + 1, kind: "reply", messageId, sessionId: message.sessionId, content: reply, createdAt: now };
        this.ctx.storage.transactionSync(() =>
          store.markCompleted(this.db, { seq: message.seq, ownerId: message.ownerId, workerId: message.lease!.workerId }, entry, now),
        );
        this.untrack(message);
        this.recent.append(entry);
        return ok({ completed: true, duplicate: false, messageId, sessionId: message.sessionId, ownerId: message.ownerId, reply, replySeq: entry.seq });
      }
      // Not open: either this very lease completed it before (a retry), or the caller lost the lease.
      const row = store.findMessage(this.db, messageId);
      if (!row) return notFound(messageId);
      if (row.status !== "completed" || row.lease_id !== leaseId) return staleLease(messageId);
      const stored = store.findReply(this.db, messageId)!;
      return ok({ completed: true, duplicate: true, messageId, sessionId: row.session_id, ownerId: row.owner_id, reply: stored.content, replySeq: stored.seq });
    });
    await this.syncAlarm();
    return result;
  }

  /** Moves a pending message to another priority (1..10). */
  setPriority(input: SetPriorityInput, caller?: BotCaller): Result<Measured<{ messageId: string; priority: number }>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = SetPriorityInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid priority.", zodIssues(parsed.error));
    const { messageId, priority } = parsed.data;
    return this.measured(() => {
      const message = this.open.get(messageId);
      if (!message) return this.notOpen(messageId);
      if (message.status !== "pending") return conflict(messageId, message.status);
      store.setPriority(this.db, message.seq, priority, Date.now());
      message.priority = priority;
      this.pendingHeap.update(messageId);
      return ok({ messageId, priority });
    });
  }

  /** The oldest `limit` dead letters (an indexed read of dead rows only). */
  deadLetters(limit?: number, caller?: BotCaller): Result<Measured<{ deadLetters: DeadLetter[]; total: number }>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = QueueLimit.safeParse(limit);
    if (!parsed.success) return fail("bad_request:query", "Invalid limit.", zodIssues(parsed.error));
    return this.measured(() => ok({ deadLetters: store.deadLetters(this.db, parsed.data), total: this.deadCount }));
  }

  /** Puts a dead letter back in the queue with its attempts reset to 0. */
  requeue(messageId: string, caller?: BotCaller): Result<Measured<{ messageId: string; status: "pending" }>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = QueueMessageId.safeParse(messageId);
    if (!parsed.success) return fail("bad_request:params", "Invalid message id.", zodIssues(parsed.error));
    return this.measured(() => {
      const open = this.open.get(parsed.data);
      if (open) return conflict(parsed.data, open.status);
      const row = store.findMessage(this.db, parsed.data);
      if (!row) return notFound(parsed.data);
      if (row.status !== "dead") return conflict(parsed.data, row.status);
      store.markPending(this.db, row.seq, 0, Date.now());
      this.deadCount--;
      this.deadNotices.delete(row.message_id);
      this.track(fromRow({ ...row, status: "pending", attempts: 0 }));
      return ok({ messageId: row.message_id, status: "pending" as const });
    });
  }

  /**
   * Hands out the messages that died since the last call and marks them told,
   * so the sidecar can say "the assistant could not answer, try again" once.
   * 0 rows read; one row written per notice.
   */
  drainDeadLetterNotices(): Result<Measured<{ notices: DeadLetter[] }>> {
    return this.measured(() => {
      const notices = [...this.deadNotices.values()];
      this.markNotified(notices);
      return ok({ notices });
    });
  }

  /** The staff feed after a `seq` cursor: from memory inside the window, else one primary-key range read. */
  feed(query: FeedQuery, caller?: BotCaller): Result<Measured<FeedPage>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = FeedQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid feed cursor.", zodIssues(parsed.error));
    const { after, limit } = parsed.data;
    return this.measured((): Result<FeedPage> => {
      const page = this.recent.after(after, limit);
      if (page) return ok({ ...page, lastSeq: page.entries.at(-1)?.seq ?? after, source: "memory" });
      const rows = store.entriesAfter(this.db, after, limit);
      const entries = rows.slice(0, limit);
      return ok({ entries, hasMore: rows.length > limit, lastSeq: entries.at(-1)?.seq ?? after, source: "storage" });
    });
  }

  /** The newest `limit` entries of one session, oldest first (bot context): one read of ≤ limit rows. */
  conversation(query: ConversationQuery, caller?: BotCaller): Result<Measured<{ entries: FeedEntry[] }>> {
    const refused = this.admit(caller);
    if (refused) return refused;
    const parsed = ConversationQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid conversation query.", zodIssues(parsed.error));
    return this.measured(() => ok({ entries: store.sessionEntries(this.db, parsed.data.sessionId, parsed.data.limit).reverse() }));
  }

  /**
   * Returns leases that expired by `now` to the queue (attempts + 1), or to the
   * dead letters at MAX_ATTEMPTS. The alarm calls it with the clock; tests call
   * it with a later `now` instead of sleeping.
   */
  async expireLeases(now: number = Date.now()): Promise<Result<Measured<ExpiryResult>>> {
    const result = this.measured(() => ok(this.expire(now)));
    await this.syncAlarm();
    return result;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null; // the alarm that woke us is spent; syncAlarm sets the next one
    await this.expireLeases(Date.now());
    await this.tellStudentsAboutDeadLetters();
  }

  /**
   * A student whose message died must not wait forever: each dead message gets
   * an answer in its chat saying so. The reply id derives from the message id,
   * so a repeat after a crash cannot show it twice.
   */
  private async tellStudentsAboutDeadLetters(): Promise<void> {
    const notices = [...this.deadNotices.values()];
    if (notices.length === 0) return;
    const now = Date.now();
    const told = await Promise.allSettled(
      notices.map(async (notice) => {
        if (!notice.ownerId) return notice;
        const session = this.env.CHAT_SESSION.get(this.env.CHAT_SESSION.idFromName(notice.sessionId));
        const appended = await session.appendAssistantTurn(
          notice.ownerId,
          [{ id: `${notice.messageId}:unanswered`, content: UNANSWERED, quickReplies: ["Try again", "Leave a message for the tutoring center"] }],
          {},
          now,
        );
        // A chat that is gone or in the trash cannot be told; anything else (a throw) is tried again.
        if (!appended.ok && appended.error.code !== "not_found:session" && appended.error.code !== "gone:chat") throw new Error(appended.error.message);
        return notice;
      }),
    );
    // Only the students who were told (or cannot be) are marked; the rest wait for the next alarm.
    this.markNotified(told.flatMap((result) => (result.status === "fulfilled" ? [result.value] : [])));
    this.noticeRetryAt = this.deadNotices.size > 0 ? Date.now() + NOTICE_RETRY_MS : null;
    await this.syncAlarm();
  }

  private markNotified(notices: DeadLetter[]): void {
    for (const notice of notices) {
      store.markNotified(this.db, notice.seq);
      this.deadNotices.delete(notice.messageId);
    }
  }

  /**
   * Hard delete: forgets the text of these chats (their message and reply
   * rows keep only their seq), and drops their open messages from the queue.
   * Idempotent. One indexed UPDATE per chat.
   */
  async forgetSessions(sessionIds: string[]): Promise<Result<Measured<{ sessions: number }>>> {
    const ids = new Set(sessionIds.filter((id) => SessionId.safeParse(id).success));
    const result = this.measured(() => {
      const now = Date.now();
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) store.redactSession(this.db, id, now);
      });
      for (const message of [...this.open.values()]) {
        if (!ids.has(message.sessionId)) continue;
        this.untrack(message);
        this.deadCount++;
      }
      for (const notice of [...this.deadNotices.values()]) if (ids.has(notice.sessionId)) this.deadNotices.delete(notice.messageId);
      this.recent.redact(ids);
      return ok({ sessions: ids.size });
    });
    await this.syncAlarm();
    return result;
  }

  /** Counts from memory, for dashboards and tests: 0 rows. */
  stats(): Result<Measured<QueueStats>> {
    return this.measured(() =>
      ok({
        pending: this.pendingHeap.size,
        leased: this.leaseHeap.size,
        dead: this.deadCount,
        deadUnnotified: this.deadNotices.size,
        feedWindow: {
          entries: this.recent.size,
          bytes: this.recent.bytes,
          coversAfter: this.recent.coversAfter,
          lastSeq: this.recent.lastSeq,
        },
        memoryBytes: this.recent.bytes + this.openBytes,
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
    for (let next = this.leaseHeap.peek(); next?.lease && next.lease.expiresAt <= now; next = this.leaseHeap.peek()) {
      const attempts = next.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        store.markDead(this.db, next.seq, attempts, now);
        this.untrack(next);
        this.deadCount++;
        const { seq, messageId, sessionId, ownerId, content } = next;
        this.deadNotices.set(messageId, { seq, messageId, sessionId, ownerId, content, attempts, diedAt: now });
        dead.push(messageId);
      } else {
        store.markPending(this.db, next.seq, attempts, now);
        this.leaseHeap.remove(next.messageId);
        next.attempts = attempts;
        next.status = "pending";
        next.lease = null;
        this.pendingHeap.push(next);
        requeued.push(next.messageId);
      }
    }
    return { requeued, dead };
  }

  private lease(message: OpenMessage, workerId: string, leaseMs: number): Lease {
    const now = Date.now();
    const lease = { leaseId: crypto.randomUUID(), workerId, expiresAt: now + leaseMs };
    store.markLeased(this.db, message.seq, lease, now);
    this.pendingHeap.remove(message.messageId);
    message.status = "leased";
    message.lease = lease;
    this.leaseHeap.push(message);
    return toLease(message);
  }

  /** Keeps the alarm at the earliest lease expiry (or notice retry), or none; memory says where it is, so no read. */
  private async syncAlarm(): Promise<void> {
    const leaseExpiry = this.leaseHeap.peek()?.lease?.expiresAt ?? null;
    const next = leaseExpiry === null ? this.noticeRetryAt : this.noticeRetryAt === null ? leaseExpiry : Math.min(leaseExpiry, this.noticeRetryAt);
    if (next === this.alarmAt) return;
    this.alarmAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  private track(message: OpenMessage): void {
    this.open.set(message.messageId, message);
    this.openBytes += openBytes(message);
    if (message.status === "pending") this.pendingHeap.push(message);
    else this.leaseHeap.push(message);
  }

  private untrack(message: OpenMessage): void {
    this.open.delete(message.messageId);
    this.openBytes -= openBytes(message);
    this.pendingHeap.remove(message.messageId);
    this.leaseHeap.remove(message.messageId);
  }

  /** A message that is not open: 404 if storage never saw it, else 409 with its state (one indexed read). */
  private notOpen(messageId: string): Result<never> {
    const row = store.findMessage(this.db, messageId);
    return row ? conflict(messageId, row.status) : notFound(messageId);
  }

  /** One bucket per bot token, in memory: every bot call reaches this one object, so the count is exact. */
  private admit(caller: BotCaller | undefined): Result<never> | null {
    if (!caller) return null;
    const { decision, state } = takeFromBucket(LIMITS.botCallsPerToken, this.botBuckets.get(caller.bot) ?? null, Date.now());
    this.botBuckets.set(caller.bot, state);
    return decision.allowed ? null : limited("rate_limited:api", "Too many bot API calls; slow down.", decision.retryAfterMs);
  }

  private measured<T>(work: () => Result<T>): Result<Measured<T>> {
    const { result, rows } = this.db.measure(work);
    return result.ok ? ok({ ...result.value, kvStats: rows }) : result;
  }
}
