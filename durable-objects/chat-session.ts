import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { fail, ok, type Result } from "../lib/errors";
import {
  AvailableTutors,
  DEFAULT_PAGE_SIZE,
  EMPTY_SESSION_FIELDS,
  type ChatMessage,
  type ChatState,
  type MessagePage,
  type MessagePageQuery,
  type NewAssistantMessage,
  type SessionFields,
  type SessionPatch,
} from "../lib/schemas";
import { refusePatch } from "../lib/tutoring/patch-rules";
import { BookingInfo, SearchCriteria, TutorMatch } from "../lib/tutoring/schemas";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";

/**
 * One chat session: its messages (one row each, ordered by a monotonic `seq`)
 * and the assistant's working state (pending match, booking form, last search,
 * tutors shown). A session belongs to the owner that created it; every method
 * takes the caller's owner id and answers "not found" to anybody else.
 */

const MIGRATIONS = [
  `CREATE TABLE session (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     session_id TEXT NOT NULL,
     owner_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     -- JSON, validated with the shared zod schemas on write and on read
     pending_match TEXT,
     booking_info TEXT,
     search_criteria TEXT,
     available_tutors TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE messages (
     -- AUTOINCREMENT: a seq is never reused, even after clear(), so a client's cursor stays valid
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     quick_replies TEXT,
     created_at INTEGER NOT NULL
   );`,
  // The hard gate of a soft delete: set while the chat is in the trash, so the object
  // itself refuses every request without the web worker reading D1 first.
  `ALTER TABLE session ADD COLUMN deleted_at INTEGER;`,
] as const;

type SessionRow = {
  session_id: string;
  owner_id: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  pending_match: string | null;
  booking_info: string | null;
  search_criteria: string | null;
  available_tutors: string;
};

type MessageRow = {
  seq: number;
  id: string;
  role: string;
  content: string;
  quick_replies: string | null;
  created_at: number;
};

interface SessionMeta {
  sessionId: string;
  ownerId: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export class ChatSession extends DurableObject<Env> {
  private readonly db: CountingSql;
  /** Write-through copy of the single `session` row: state reads cost no storage rows. */
  private meta: SessionMeta | null = null;
  private fields: SessionFields = EMPTY_SESSION_FIELDS;
  /** Newest message seq, kept in memory so a poll with nothing new reads no rows. */
  private lastSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = new CountingSql(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load(): void {
    migrate(this.db, MIGRATIONS);
    const row = this.db.first<SessionRow>(sql`SELECT * FROM session WHERE id = 1`);
    if (!row) return;
    this.lastSeq = this.db.first<{ seq: number }>(sql`SELECT seq FROM messages ORDER BY seq DESC LIMIT 1`)?.seq ?? 0;
    this.meta = {
      sessionId: row.session_id,
      ownerId: row.owner_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
    };
    this.fields = {
      pendingMatch: parseStored(TutorMatch.nullable(), row.pending_match, null),
      bookingInfo: parseStored(BookingInfo.nullable(), row.booking_info, null),
      searchCriteria: parseStored(SearchCriteria.nullable(), row.search_criteria, null),
      availableTutors: parseStored(AvailableTutors, row.available_tutors, []),
    };
  }

  /** The whole state a page needs: fields plus the newest page of messages. */
  getState(ownerId: string): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    return ok(this.snapshot(meta));
  }

  /** Just the assistant's working fields, from memory: 0 rows (the queue consumer's read). */
  getFields(ownerId: string): Result<SessionFields> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    return ok(this.fields);
  }

  /**
   * Messages strictly after `after` (oldest first), or strictly before
   * `before` (the page just older than it), at most `limit`.
   */
  listMessages(ownerId: string, query: MessagePageQuery): Result<MessagePage> {
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.before !== undefined) {
      const { messages, hasOlder } = this.pageBefore(query.before, limit);
      return ok({ messages, lastSeq: messages.at(-1)?.seq ?? 0, hasMore: hasOlder });
    }
    const after = query.after ?? 0;
    // The browser's poll: nothing new costs nothing.
    if (after >= this.lastSeq) return ok({ messages: [], lastSeq: after, hasMore: false });
    // One extra row tells whether there is more without a COUNT over the table.
    const rows = this.db.all<MessageRow>(
      sql`SELECT * FROM messages WHERE seq > ${after} ORDER BY seq LIMIT ${limit + 1}`,
    );
    const messages = rows.slice(0, limit).map(toMessage);
    return ok({ messages, lastSeq: messages.at(-1)?.seq ?? after, hasMore: rows.length > limit });
  }

  /**
   * Stores a user's message, creating the session for `ownerId` if it does not
   * exist yet. Idempotent on `message.id`: a retry returns the stored message.
   */
  addUserMessage(
    ownerId: string,
    sessionId: string,
    message: { id: string; content: string },
    now: number,
  ): Result<{ message: ChatMessage; created: boolean; sessionCreated: boolean }> {
    const sessionCreated = this.meta === null;
    if (sessionCreated) this.create(ownerId, sessionId, now);
    if (!this.authorize(ownerId)) return this.refusal(ownerId);
    const stored = this.insertMessage({ id: message.id, role: "user", content: message.content }, now);
    // A new session row already carries `now`.
    if (stored.created && !sessionCreated) this.touch(now);
    return ok({ ...stored, sessionCreated });
  }

  /** Appends the assistant's replies and applies its state patch in one step. */
  appendAssistantTurn(
    ownerId: string,
    replies: NewAssistantMessage[],
    patch: Partial<SessionFields>,
    now: number,
  ): Result<{ replies: ChatMessage[]; state: ChatState; rows: RowCounts }> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    const { result: stored, rows } = this.db.measure(() =>
      this.ctx.storage.transactionSync(() => {
        const results = replies.map((reply) => this.insertMessage({ ...reply, role: "assistant" }, now));
        // One write of the session row per turn: the fields (which set updated_at), or just the time.
        if (Object.keys(patch).length > 0) this.writeFields(patch, now);
        else if (results.some((result) => result.created)) this.touch(now);
        return results.map((result) => result.message);
      }),
    );
    return ok({ replies: stored, state: this.snapshot(meta), rows });
  }

  /** Overwrites the given session fields, within what a client may change (see patch-rules). */
  patch(ownerId: string, patch: SessionPatch, now: number): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    const refusal = refusePatch(this.fields, patch);
    if (refusal) return fail("conflict:booking", refusal);
    this.writeFields(patch, now);
    return ok(this.snapshot(meta));
  }

  /** Forgets messages and fields; the session and its owner stay. */
  clear(ownerId: string, now: number): Result<ChatState> {
    const meta = this.authorize(ownerId);
    if (!meta) return this.refusal(ownerId);
    this.ctx.storage.transactionSync(() => {
      this.db.run(sql`DELETE FROM messages`);
      this.writeFields(EMPTY_SESSION_FIELDS, now);
    });
    return ok(this.snapshot(meta));
  }

  /**
   * Closes (a timestamp) or reopens (null) the hard gate of a soft delete.
   * Only the owner may; the D1 `chats` row is the record, this is the gate.
   */
  setDeleted(ownerId: string, deletedAt: number | null): Result<{ deletedAt: number | null }> {
    if (!this.meta || this.meta.ownerId !== ownerId) return notFound();
    this.db.run(sql`UPDATE session SET deleted_at = ${deletedAt} WHERE id = 1`);
    this.meta = { ...this.meta, deletedAt };
    return ok({ deletedAt });
  }

  /**
   * Hard delete: drops every row and the alarm, releasing the object's storage
   * (billed until deleteAll). Internal: reached by the weekly cron over RPC, or
   * over HTTP only with X-Internal-Key (see workers/internal.ts).
   */
  async destroy(): Promise<{ destroyed: boolean }> {
    const existed = this.meta !== null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.meta = null;
    this.fields = EMPTY_SESSION_FIELDS;
    this.lastSeq = 0;
    return { destroyed: existed };
  }

  /** Bytes of SQLite storage this object holds (tests assert a hard delete frees it). */
  storageBytes(): number {
    return this.ctx.storage.sql.databaseSize;
  }

  /** Rows read and written by this instance so far (tests and the benchmark read it). */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  private authorize(ownerId: string): SessionMeta | null {
    return this.meta && this.meta.ownerId === ownerId && this.meta.deletedAt === null ? this.meta : null;
  }

  /** Why `authorize` said no: the owner learns their chat is in the trash; anyone else learns nothing. */
  private refusal(ownerId: string): Result<never> {
    if (this.meta && this.meta.ownerId === ownerId && this.meta.deletedAt !== null) {
      return fail("gone:chat", "This chat is in the trash. Restore it to continue.");
    }
    return notFound();
  }

  private create(ownerId: string, sessionId: string, now: number): SessionMeta {
    this.db.run(
      sql`INSERT INTO session (id, session_id, owner_id, created_at, updated_at) VALUES (1, ${sessionId}, ${ownerId}, ${now}, ${now})`,
    );
    this.meta = { sessionId, ownerId, createdAt: now, updatedAt: now, deletedAt: null };
    this.fields = EMPTY_SESSION_FIELDS;
    return this.meta;
  }

  /** Inserts one message (or finds the one with its id); the caller updates the session row once. */
  private insertMessage(
    message: { id: string; role: ChatMessage["role"]; content: string; quickReplies?: string[] },
    now: number,
  ): { message: ChatMessage; created: boolean } {
    const quickReplies = message.quickReplies?.length ? JSON.stringify(message.quickReplies) : null;
    const inserted = this.db.first<MessageRow>(
      sql`INSERT INTO messages (id, role, content, quick_replies, created_at)
          VALUES (${message.id}, ${message.role}, ${message.content}, ${quickReplies}, ${now})
          ON CONFLICT (id) DO NOTHING
          RETURNING *`,
    );
    if (inserted) {
      this.lastSeq = Math.max(this.lastSeq, inserted.seq);
      return { message: toMessage(inserted), created: true };
    }
    const existing = this.db.first<MessageRow>(sql`SELECT * FROM messages WHERE id = ${message.id}`);
    return { message: toMessage(existing!), created: false };
  }

  private writeFields(patch: Partial<SessionFields>, now: number): void {
    const next = { ...this.fields, ...patch };
    this.db.run(
      sql`UPDATE session SET
            pending_match = ${json(next.pendingMatch)},
            booking_info = ${json(next.bookingInfo)},
            search_criteria = ${json(next.searchCriteria)},
            available_tutors = ${JSON.stringify(next.availableTutors)},
            updated_at = ${now}
          WHERE id = 1`,
    );
    this.fields = next;
    if (this.meta) this.meta = { ...this.meta, updatedAt: now };
  }

  private touch(now: number): void {
    this.db.run(sql`UPDATE session SET updated_at = ${now} WHERE id = 1`);
    if (this.meta) this.meta = { ...this.meta, updatedAt: now };
  }

  private pageBefore(before: number, limit: number): { messages: ChatMessage[]; hasOlder: boolean } {
    const rows = this.db.all<MessageRow>(
      sql`SELECT * FROM messages WHERE seq < ${before} ORDER BY seq DESC LIMIT ${limit + 1}`,
    );
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder: rows.length > limit };
  }

  private snapshot(meta: SessionMeta): ChatState {
    const { messages, hasOlder } = this.pageBefore(Number.MAX_SAFE_INTEGER, DEFAULT_PAGE_SIZE);
    return {
      sessionId: meta.sessionId,
      ...this.fields,
      messages,
      hasOlder,
      lastSeq: messages.at(-1)?.seq ?? 0,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
    };
  }
}

function notFound(): Result<never> {
  return fail("not_found:session", "No chat session with that id belongs to you.");
}

function toMessage(row: MessageRow): ChatMessage {
  return {
    seq: row.seq,
    id: row.id,
    role: row.role === "user" || row.role === "assistant" ? row.role : "system",
    content: row.content,
    createdAt: row.created_at,
    ...(row.quick_replies ? { quickReplies: parseStored(QuickReplies, row.quick_replies, []) } : {}),
  };
}

const QuickReplies = z.array(z.string());

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Stored JSON is validated on read too: a bad row degrades to the default instead of breaking the chat. */
function parseStored<T>(schema: z.ZodType<T>, text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}
