import { z } from "../../lib/zod";
import { AvailableTutors, DEFAULT_PAGE_SIZE, MessageAuthor, type ChatMessage, type ReplyVote, type SessionFields } from "../../lib/schemas";
import { BookingInfo, SearchCriteria, TutorMatch } from "../../lib/tutoring/schemas";
import { sql, type CountingSql } from "../sql";
import type { CenterCopy } from "./center";
import type { MemoryCopy } from "./memory";
import { messageIds } from "../../lib/message-ids";
import { addPending, batchHours, HourCounts, StoredPending, type PendingHours } from "../../lib/analytics/batch";

/**
 * The ChatSession's SQLite tables and every statement it runs. Two tables:
 * `session` (one row: owner, timestamps, the assistant's fields as JSON) and
 * `messages` (one row per message, ordered by `seq`).
 */

/**
 * Ids of rows written one at a time (a student's message, a bot's reply, a
 * notice) are unique, so a retry stores nothing twice. A built-in reply is
 * written in the same transaction as its question, whose id already makes it
 * unique; leaving it out of the index saves a row written per reply.
 */
const KEYED = "id NOT GLOB '*:reply-*'";

/** The id of the `index`th built-in reply to a student's message (not keyed; see KEYED). */
export function builtinReplyId(messageId: string, index: number): string {
  return messageIds.builtinReply(messageId, index);
}

export const MIGRATIONS = [
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
  // Cheaper writes. AUTOINCREMENT wrote sqlite_sequence on every insert and UNIQUE(id) an index
  // entry per message: seq now comes from memory (never reused: `seq_floor` keeps the high mark
  // across clear()), and only keyed ids are indexed.
  `CREATE TABLE messages_v3 (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     quick_replies TEXT,
     created_at INTEGER NOT NULL
   );
   INSERT INTO messages_v3 (seq, id, role, content, quick_replies, created_at)
     SELECT seq, id, role, content, quick_replies, created_at FROM messages;
   ALTER TABLE session ADD COLUMN seq_floor INTEGER NOT NULL DEFAULT 0;
   UPDATE session SET seq_floor = COALESCE((SELECT MAX(seq) FROM messages), 0);
   DROP TABLE messages;
   ALTER TABLE messages_v3 RENAME TO messages;
   CREATE UNIQUE INDEX messages_by_key ON messages (id) WHERE ${KEYED};`,
  // When the D1 list entry was last touched, so a woken object does not touch it again (at most hourly).
  `ALTER TABLE session ADD COLUMN listed_at INTEGER;`,
  // The student's 👍/👎, one row per rated assistant reply (durable-objects/chat/feedback.ts).
  // WITHOUT ROWID: keyed by the message id alone, so a vote writes one row, not a row and an index entry.
  `CREATE TABLE feedback (
     message_id TEXT PRIMARY KEY,
     vote TEXT NOT NULL,
     kind TEXT NOT NULL,
     at INTEGER
   ) WITHOUT ROWID;`,
  // The chat's copy of its owner's memory (durable-objects/chat/memory.ts): the facts as JSON and
  // the memory version they were read at, so a woken object need not ask the memory object again.
  `ALTER TABLE session ADD COLUMN memory_facts TEXT;
   ALTER TABLE session ADD COLUMN memory_version INTEGER;`,
  // Who wrote a reply that is not the assistant's (a staff member's, as JSON { kind, name }); null for
  // every other message, so older rows read as the assistant's, as they were.
  `ALTER TABLE messages ADD COLUMN author TEXT;`,
  // Analytics reported in batches (durable-objects/chat/analytics-report.ts): a student's message row
  // carries the counts it started (JSON, null on every other row), so an exchange writes no row more;
  // the session row keeps the last acknowledged batch's number, the newest message seq it covered,
  // and the counts a clear() took off deleted rows before they were reported.
  `ALTER TABLE messages ADD COLUMN counts TEXT;
   ALTER TABLE session ADD COLUMN reported_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE session ADD COLUMN reported_through INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE session ADD COLUMN unreported TEXT;`,
  // The chat's copy of its center's snapshot (durable-objects/chat/center.ts) and when it was asked
  // for, so a woken object need not ask its Center again (the Center pushes every change).
  `ALTER TABLE session ADD COLUMN center_copy TEXT;
   ALTER TABLE session ADD COLUMN center_asked_at INTEGER;`,
] as const;

export type SessionRow = {
  session_id: string;
  owner_id: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  seq_floor: number;
  listed_at: number | null;
  memory_facts: string | null;
  memory_version: number | null;
  center_copy: string | null;
  center_asked_at: number | null;
  reported_seq: number;
  reported_through: number;
  unreported: string | null;
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
  /** JSON MessageAuthor, or null (the student's, or the assistant's) */
  author: string | null;
  /** feedback.vote, joined on the message id (null: no vote, or not joined) */
  vote?: string | null;
};

export interface NewMessage {
  id: string;
  role: ChatMessage["role"];
  content: string;
  quickReplies?: string[];
  author?: MessageAuthor;
  /** What a student's message started, for analytics (stored with it, reported later in a batch). */
  counts?: HourCounts;
}

export function readSession(db: CountingSql): SessionRow | undefined {
  return db.first<SessionRow>(sql`SELECT * FROM session WHERE id = 1`);
}

/** The session row, with the memory copy read before it existed (the chat's first turn) in the same row. */
export function insertSession(
  db: CountingSql,
  input: { sessionId: string; ownerId: string; now: number; memory: MemoryCopy | null; listedAt: number | null; center: CenterCopy | null },
): void {
  const facts = input.memory ? JSON.stringify(input.memory.facts) : null;
  db.run(
    sql`INSERT INTO session (id, session_id, owner_id, created_at, updated_at, memory_facts, memory_version, listed_at, center_copy, center_asked_at)
        VALUES (1, ${input.sessionId}, ${input.ownerId}, ${input.now}, ${input.now}, ${facts}, ${input.memory?.version ?? null}, ${input.listedAt},
                ${input.center ? JSON.stringify(input.center.snapshot) : null}, ${input.center?.askedAt ?? null})`,
  );
}

/** A newer copy of the owner's memory (one row). */
export function writeMemoryCopy(db: CountingSql, memory: MemoryCopy): true {
  db.run(sql`UPDATE session SET memory_facts = ${JSON.stringify(memory.facts)}, memory_version = ${memory.version} WHERE id = 1`);
  return true;
}

/** A newer copy of the center's snapshot (one row). */
export function writeCenterCopy(db: CountingSql, copy: CenterCopy): true {
  db.run(sql`UPDATE session SET center_copy = ${JSON.stringify(copy.snapshot)}, center_asked_at = ${copy.askedAt} WHERE id = 1`);
  return true;
}

/** Drops the stored copy of the owner's memory (it is older than the memory now): one row. */
export function dropMemoryCopy(db: CountingSql): true {
  db.run(sql`UPDATE session SET memory_facts = NULL, memory_version = NULL WHERE id = 1`);
  return true;
}

/** The newest seq ever used (never reused, even after clear()). */
export function newestSeq(db: CountingSql, floor: number): number {
  const newest = db.first<{ seq: number }>(sql`SELECT seq FROM messages ORDER BY seq DESC LIMIT 1`)?.seq ?? 0;
  return Math.max(newest, floor);
}

/** The keyed message with this id, if stored (one indexed read). */
export function findKeyed(db: CountingSql, id: string): ChatMessage | undefined {
  const row = db.first<MessageRow>(
    sql`SELECT m.*, f.vote FROM messages m LEFT JOIN feedback f ON f.message_id = m.id WHERE m.id = ${id} AND m.id NOT GLOB '*:reply-*'`,
  );
  return row ? toMessage(row) : undefined;
}

/**
 * Inserts a message at `seq`. A keyed id that is already stored inserts
 * nothing and answers null; the caller reads the stored one with findKeyed.
 */
export function insertMessage(db: CountingSql, seq: number, message: NewMessage, now: number): ChatMessage | null {
  const quickReplies = message.quickReplies?.length ? JSON.stringify(message.quickReplies) : null;
  const author = message.author ? JSON.stringify(message.author) : null;
  const counts = message.counts && Object.keys(message.counts).length > 0 ? JSON.stringify(message.counts) : null;
  const row = db.first<MessageRow>(
    sql`INSERT INTO messages (seq, id, role, content, quick_replies, created_at, author, counts)
        VALUES (${seq}, ${message.id}, ${message.role}, ${message.content}, ${quickReplies}, ${now}, ${author}, ${counts})
        ON CONFLICT (id) WHERE id NOT GLOB '*:reply-*' DO NOTHING
        RETURNING *`,
  );
  return row ? toMessage(row) : null;
}

// Pages of messages carry each reply's vote: a LEFT JOIN on feedback's primary key, which reads a
// feedback row only where a vote is stored (tests/workers/reply-votes.test.ts counts it).

/** Messages strictly after `after`, oldest first, with one extra row to tell whether more exist. */
export function messagesAfter(db: CountingSql, after: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
  const rows = db.all<MessageRow>(
    sql`SELECT m.*, f.vote FROM messages m LEFT JOIN feedback f ON f.message_id = m.id WHERE m.seq > ${after} ORDER BY m.seq LIMIT ${limit + 1}`,
  );
  return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
}

/** The page just older than `before`, oldest first. */
export function messagesBefore(db: CountingSql, before: number, limit: number): { messages: ChatMessage[]; hasOlder: boolean } {
  const rows = db.all<MessageRow>(
    sql`SELECT m.*, f.vote FROM messages m LEFT JOIN feedback f ON f.message_id = m.id WHERE m.seq < ${before} ORDER BY m.seq DESC LIMIT ${limit + 1}`,
  );
  return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder: rows.length > limit };
}

export function writeFields(db: CountingSql, fields: SessionFields, now: number): void {
  db.run(
    sql`UPDATE session SET
          pending_match = ${json(fields.pendingMatch)},
          booking_info = ${json(fields.bookingInfo)},
          search_criteria = ${json(fields.searchCriteria)},
          available_tutors = ${JSON.stringify(fields.availableTutors)},
          updated_at = ${now}
        WHERE id = 1`,
  );
}

/** The chat's new owner (the student signed in: their browser's chats move to the account). */
export function setOwner(db: CountingSql, ownerId: string): void {
  db.run(sql`UPDATE session SET owner_id = ${ownerId} WHERE id = 1`);
}

export function setListedAt(db: CountingSql, listedAt: number): void {
  db.run(sql`UPDATE session SET listed_at = ${listedAt} WHERE id = 1`);
}

export function setDeletedAt(db: CountingSql, deletedAt: number | null): void {
  db.run(sql`UPDATE session SET deleted_at = ${deletedAt} WHERE id = 1`);
}

/**
 * Drops every message but remembers the newest seq, so cursors held by clients stay valid; the
 * counts of messages not yet reported move to the session row (the same row write), so none is lost.
 */
export function deleteMessages(db: CountingSql, seqFloor: number): void {
  const unreported = JSON.stringify(batchHours(unreportedCounts(db).hours));
  db.run(sql`DELETE FROM messages`);
  db.run(sql`UPDATE session SET seq_floor = ${seqFloor}, unreported = ${unreported} WHERE id = 1`);
}

/**
 * The counts not yet acknowledged by Analytics, by hour: those a clear() kept in the session row and
 * those of messages after the reported cursor; `through` is the newest message seq read (rows read:
 * the session row and the messages after the cursor, cheap; none written).
 */
export function unreportedCounts(db: CountingSql): { hours: PendingHours; through: number; kept: boolean } {
  const hours: PendingHours = new Map();
  const session = db.first<{ unreported: string | null; reported_through: number }>(sql`SELECT unreported, reported_through FROM session WHERE id = 1`);
  const reportedThrough = session?.reported_through ?? 0;
  for (const { bucket, counts } of parseStored(StoredPending, session?.unreported ?? null, [])) addPending(hours, bucket, counts);
  let through = reportedThrough;
  for (const row of db.all<{ seq: number; counts: string; created_at: number }>(
    sql`SELECT seq, counts, created_at FROM messages WHERE seq > ${reportedThrough} AND counts IS NOT NULL ORDER BY seq`,
  )) {
    addPending(hours, row.created_at, parseStored(HourCounts, row.counts, {}));
    through = row.seq;
  }
  return { hours, through, kept: session?.unreported != null };
}

/** Analytics acknowledged batch `seq` up to message `through`: the kept counts were in it (one row). */
export function markReported(db: CountingSql, seq: number, through: number): void {
  db.run(sql`UPDATE session SET reported_seq = ${seq}, reported_through = ${through}, unreported = NULL WHERE id = 1`);
}

export function fieldsOf(row: SessionRow): SessionFields {
  return {
    pendingMatch: parseStored(TutorMatch.nullable(), row.pending_match, null),
    bookingInfo: parseStored(BookingInfo.nullable(), row.booking_info, null),
    searchCriteria: parseStored(SearchCriteria.nullable(), row.search_criteria, null),
    availableTutors: parseStored(AvailableTutors, row.available_tutors, []),
  };
}

/** True when two field sets would store the same JSON (so the session row need not be written). */
export function sameFields(a: SessionFields, b: SessionFields): boolean {
  return (
    json(a.pendingMatch) === json(b.pendingMatch) &&
    json(a.bookingInfo) === json(b.bookingInfo) &&
    json(a.searchCriteria) === json(b.searchCriteria) &&
    JSON.stringify(a.availableTutors) === JSON.stringify(b.availableTutors)
  );
}

/**
 * The newest page of messages, kept in memory once read, so a state read
 * (every page load, every POST's answer) costs no rows.
 */
export class RecentMessages {
  private constructor(
    private messages: ChatMessage[],
    private older: boolean,
  ) {}

  static load(db: CountingSql): RecentMessages {
    const { messages, hasOlder } = messagesBefore(db, Number.MAX_SAFE_INTEGER, DEFAULT_PAGE_SIZE);
    return new RecentMessages(messages, hasOlder);
  }

  static empty(): RecentMessages {
    return new RecentMessages([], false);
  }

  get page(): { messages: ChatMessage[]; hasOlder: boolean } {
    return { messages: [...this.messages], hasOlder: this.older };
  }

  /** The cached messages after `after`, or null if the cache does not reach back that far. */
  after(after: number): ChatMessage[] | null {
    const first = this.messages[0];
    if (this.older && (!first || first.seq > after + 1)) return null;
    return this.messages.filter((message) => message.seq > after);
  }

  /** A reply's vote changed (or was cleared): the cached copy follows, so a state read still costs no rows. */
  setVote(messageId: string, vote: ReplyVote | null): void {
    this.messages = this.messages.map((message) => (message.id !== messageId ? message : withVote(message, vote)));
  }

  push(added: ChatMessage[]): void {
    this.messages.push(...added);
    if (this.messages.length > DEFAULT_PAGE_SIZE) {
      this.messages = this.messages.slice(-DEFAULT_PAGE_SIZE);
      this.older = true;
    }
  }
}

function toMessage(row: MessageRow): ChatMessage {
  return {
    seq: row.seq,
    id: row.id,
    role: row.role === "user" || row.role === "assistant" ? row.role : "system",
    content: row.content,
    createdAt: row.created_at,
    ...(row.quick_replies ? { quickReplies: parseStored(QuickReplies, row.quick_replies, []) } : {}),
    ...(row.role === "assistant" && (row.vote === "up" || row.vote === "down") ? { vote: row.vote } : {}),
    ...authorOf(row),
  };
}

/** A stored author that does not read as one is dropped: the reply then shows as the assistant's, never breaks the page. */
function authorOf(row: MessageRow): { author?: MessageAuthor } {
  if (row.role !== "assistant" || !row.author) return {};
  const author = parseStored(MessageAuthor.nullable(), row.author, null);
  return author ? { author } : {};
}

function withVote(message: ChatMessage, vote: ReplyVote | null): ChatMessage {
  const { vote: _old, ...rest } = message;
  return vote ? { ...rest, vote } : rest;
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

/** The newest student message with an answer after it: whoever answered has read it. */
export function answeredSeq(messages: ChatMessage[]): number {
  let answered = false;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === "assistant") answered = true;
    else if (message.role === "user" && answered) return message.seq;
  }
  return 0;
}
