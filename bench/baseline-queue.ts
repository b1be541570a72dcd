import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { ClaimInput, CompleteInput, ConversationQuery, EnqueueInput, FeedQuery, QueueLimit } from "../lib/queue/schemas";
import type { Measured } from "../durable-objects/message-queue";
import { CountingSql, migrate, sql } from "../durable-objects/sql";
import { planConversations, type SeedBatch, type SeedSummary } from "./seed-plan";

/**
 * The design the MessageQueue replaced (seed note "Storage Read Explosion"),
 * rebuilt on SQLite so its rows are counted by the same CountingSql:
 *
 * - one row per conversation, its value the whole message array (the old
 *   `conv:{...}` KV key, where one read returned every message);
 * - nothing kept in memory, so `pending` and `feed` read EVERY conversation
 *   and filter in JS (the old N + 2 reads per poll; SQLite bills N rows);
 * - `claim` and `complete` find their message the same way, by scanning;
 * - `enqueue` and `conversation` touch one conversation row.
 *
 * Same method names and arguments as MessageQueue, so the bench worker calls
 * both the same way. Deliberately no indexes or caches: that is the point.
 */

interface StoredMessage {
  id: string;
  sessionId: string;
  type: "human" | "ai";
  content: string;
  timestamp: number;
  botParams?: { status: "pending" | "processing" | "complete"; priority: number; claimedBy?: string; leaseId?: string };
}

interface Conversation {
  key: string;
  messages: StoredMessage[];
}

const MIGRATIONS = [
  `CREATE TABLE conversations (
     -- "conv:{sessionId}", the old KV key.
     key TEXT PRIMARY KEY,
     -- JSON array of every message, oldest first: one row (one billed read) however long it grows.
     messages TEXT NOT NULL
   )`,
] as const;

const keyOf = (sessionId: string) => `conv:${sessionId}`;

/**
 * No schema on read, on purpose: the old design trusted its storage, and
 * validating ~20,000 messages per poll would charge the baseline CPU it never spent.
 */
function parseMessages(json: string): StoredMessage[] {
  const messages: StoredMessage[] = JSON.parse(json);
  return messages;
}

export class BaselineQueue extends DurableObject<unknown> {
  private readonly db: CountingSql;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.db = new CountingSql(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => migrate(this.db, MIGRATIONS));
  }

  /** Writes a batch of seeded conversations: one row each. */
  seed(batch: SeedBatch): SeedSummary {
    const sessionIds: string[] = [];
    let lastCursor = 0;
    for (const { sessionId, exchanges, pending } of planConversations(batch)) {
      sessionIds.push(sessionId);
      const messages: StoredMessage[] = [];
      for (const turn of exchanges) {
        messages.push({ id: turn.messageId, sessionId, type: "human", content: turn.content, timestamp: turn.createdAt, botParams: { status: "complete", priority: 5, claimedBy: "seed" } });
        messages.push({ id: `${turn.messageId}:reply`, sessionId, type: "ai", content: turn.reply, timestamp: turn.repliedAt });
      }
      if (pending) {
        messages.push({ id: pending.messageId, sessionId, type: "human", content: pending.content, timestamp: pending.createdAt, botParams: { status: "pending", priority: pending.priority } });
      }
      lastCursor = Math.max(lastCursor, ...messages.map((m) => m.timestamp));
      this.write(keyOf(sessionId), messages);
    }
    return { sessionIds, lastCursor };
  }

  /** Appends a student message: one read of its conversation, one write back (as the old POST did). */
  enqueue(input: EnqueueInput): Result<Measured<{ messageId: string; created: boolean }>> {
    const parsed = EnqueueInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid queue message.", zodIssues(parsed.error));
    const { messageId, sessionId, content, priority, createdAt } = parsed.data;
    return this.measured((): Result<{ messageId: string; created: boolean }> => {
      const key = keyOf(sessionId);
      const row = this.db.first<{ messages: string }>(sql`SELECT messages FROM conversations WHERE key = ${key}`);
      const messages = row ? parseMessages(row.messages) : [];
      if (messages.some((m) => m.id === messageId)) return ok({ messageId, created: false });
      messages.push({ id: messageId, sessionId, type: "human", content, timestamp: createdAt, botParams: { status: "pending", priority } });
      this.write(key, messages);
      return ok({ messageId, created: true });
    });
  }

  /** Pending questions, best first: reads every conversation to find them. */
  pending(limit?: number): Result<Measured<{ messages: StoredMessage[]; total: number }>> {
    const parsed = QueueLimit.safeParse(limit);
    if (!parsed.success) return fail("bad_request:query", "Invalid limit.", zodIssues(parsed.error));
    return this.measured(() => {
      const pending = this.scanAll()
        .flatMap((c) => c.messages)
        .filter((m) => m.type === "human" && m.botParams?.status === "pending")
        .sort((a, b) => b.botParams!.priority - a.botParams!.priority || a.timestamp - b.timestamp);
      return ok({ messages: pending.slice(0, parsed.data), total: pending.length });
    });
  }

  /** The feed after a timestamp cursor (the old `?after=`): reads every conversation. */
  feed(query: FeedQuery): Result<Measured<{ entries: StoredMessage[]; hasMore: boolean; lastCursor: number }>> {
    const parsed = FeedQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid feed cursor.", zodIssues(parsed.error));
    const { after, limit } = parsed.data;
    return this.measured(() => {
      const newer = this.scanAll()
        .flatMap((c) => c.messages)
        .filter((m) => m.timestamp > after)
        .sort((a, b) => a.timestamp - b.timestamp);
      const entries = newer.slice(0, limit);
      return ok({ entries, hasMore: newer.length > limit, lastCursor: entries.at(-1)?.timestamp ?? after });
    });
  }

  /** Marks a pending question as being answered; finds it by reading every conversation. */
  claim(input: ClaimInput): Result<Measured<{ leaseId: string; messageId: string }>> {
    const parsed = ClaimInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid claim.", zodIssues(parsed.error));
    const { messageId, workerId } = parsed.data;
    return this.measured(() => {
      const found = this.locate(messageId);
      if (!found) return fail("not_found:message", `No queued message ${messageId}.`);
      const { conversation, message } = found;
      if (message.botParams?.status !== "pending") return fail("conflict:lease", `Message ${messageId} is not pending.`);
      const leaseId = crypto.randomUUID();
      message.botParams = { ...message.botParams, status: "processing", claimedBy: workerId, leaseId };
      this.write(conversation.key, conversation.messages);
      return ok({ leaseId, messageId });
    });
  }

  /** Stores the reply and marks the question complete; finds it by reading every conversation. */
  complete(input: CompleteInput): Result<Measured<{ completed: true; messageId: string }>> {
    const parsed = CompleteInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid completion.", zodIssues(parsed.error));
    const { messageId, leaseId, reply } = parsed.data;
    return this.measured(() => {
      const found = this.locate(messageId);
      if (!found) return fail("not_found:message", `No queued message ${messageId}.`);
      const { conversation, message } = found;
      if (message.botParams?.leaseId !== leaseId) return fail("conflict:lease", `That lease on ${messageId} is not valid.`);
      message.botParams = { ...message.botParams, status: "complete" };
      conversation.messages.push({ id: `${messageId}:reply`, sessionId: message.sessionId, type: "ai", content: reply, timestamp: Date.now() });
      this.write(conversation.key, conversation.messages);
      return ok({ completed: true as const, messageId });
    });
  }

  /** The newest `limit` messages of one conversation: one row, however many messages it holds. */
  conversation(query: ConversationQuery): Result<Measured<{ entries: StoredMessage[] }>> {
    const parsed = ConversationQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid conversation query.", zodIssues(parsed.error));
    return this.measured(() => {
      const key = keyOf(parsed.data.sessionId);
      const row = this.db.first<{ messages: string }>(sql`SELECT messages FROM conversations WHERE key = ${key}`);
      return ok({ entries: row ? parseMessages(row.messages).slice(-parsed.data.limit) : [] });
    });
  }

  /** What every poll of the old design did: read all conversations. */
  private scanAll(): Conversation[] {
    return this.db
      .all<{ key: string; messages: string }>(sql`SELECT key, messages FROM conversations`)
      .map((row) => ({ key: row.key, messages: parseMessages(row.messages) }));
  }

  private locate(messageId: string): { conversation: Conversation; message: StoredMessage } | null {
    for (const conversation of this.scanAll()) {
      const message = conversation.messages.find((m) => m.id === messageId);
      if (message) return { conversation, message };
    }
    return null;
  }

  private write(key: string, messages: StoredMessage[]): void {
    this.db.run(
      sql`INSERT INTO conversations (key, messages) VALUES (${key}, ${JSON.stringify(messages)})
          ON CONFLICT (key) DO UPDATE SET messages = excluded.messages`,
    );
  }

  private measured<T>(work: () => Result<T>): Result<Measured<T>> {
    const { result, rows } = this.db.measure(work);
    return result.ok ? ok({ ...result.value, kvStats: rows }) : result;
  }
}
