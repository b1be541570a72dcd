import type { DeadLetter, FeedEntry, QueueStatus } from "../../lib/queue/schemas";
import { sql, type CountingSql } from "../sql";

/**
 * The MessageQueue's SQLite schema and every statement it runs, each a named
 * function over `CountingSql` so the rows it reads and writes are counted.
 *
 * One table holds both the feed and the queue: a student's message is ONE row
 * (its feed entry and its queue state), a bot's reply is another. So enqueue
 * is one insert, and the feed, a conversation and the queue are index ranges
 * over the same rows. Storage is the source of truth; the DO's memory is a
 * cache of the pending/leased rows and the newest feed window.
 */
export const MIGRATIONS = [
  `CREATE TABLE entries (
     -- The feed cursor. Assigned by the DO as max + 1 (no AUTOINCREMENT: that writes an extra
     -- sqlite_sequence row per insert). Rows are never deleted, so a seq is never reused.
     seq INTEGER PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('message', 'reply')),
     -- The student message; a reply carries the id of the message it answers.
     message_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     owner_id TEXT,
     content TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     -- Queue state, on student messages only (NULL on replies).
     status TEXT CHECK (status IN ('pending', 'leased', 'completed', 'dead')),
     priority INTEGER,
     attempts INTEGER,
     -- The live lease, or the lease that completed the message (a duplicate complete matches it).
     lease_id TEXT,
     worker_id TEXT,
     lease_expires_at INTEGER,
     updated_at INTEGER,
     -- 0 while a dead message's student has not been told (drainDeadLetterNotices).
     dead_notified INTEGER
   );
   -- Idempotent enqueue, and at most one reply per message, enforced by storage itself.
   CREATE UNIQUE INDEX entries_message_kind ON entries (message_id, kind);
   -- conversation(sessionId, limit): one range read of the newest rows of one session.
   CREATE INDEX entries_session_seq ON entries (session_id, seq);
   -- Partial indexes: a wake-up reads the open rows and the dead letters without touching history.
   CREATE INDEX entries_open ON entries (seq) WHERE status IN ('pending', 'leased');
   CREATE INDEX entries_dead ON entries (seq) WHERE status = 'dead';
   CREATE INDEX entries_dead_unnotified ON entries (seq) WHERE status = 'dead' AND dead_notified = 0;`,
] as const;

/** A student message's row, as the queue needs it. */
export type MessageRow = {
  seq: number;
  message_id: string;
  session_id: string;
  owner_id: string | null;
  content: string;
  created_at: number;
  status: QueueStatus;
  priority: number;
  attempts: number;
  lease_id: string | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  updated_at: number;
};

type FeedRow = {
  seq: number;
  kind: "message" | "reply";
  message_id: string;
  session_id: string;
  content: string;
  created_at: number;
};

/**
 * Inserts a student message unless its id was queued before. No RETURNING
 * (it costs a row read): whether the row went in is told by the rows written.
 */
export function insertMessage(db: CountingSql, row: Omit<MessageRow, "lease_id" | "worker_id" | "lease_expires_at">): boolean {
  const { rows } = db.measure(() =>
    db.run(
      sql`INSERT INTO entries (seq, kind, message_id, session_id, owner_id, content, created_at, status, priority, attempts, updated_at)
          VALUES (${row.seq}, 'message', ${row.message_id}, ${row.session_id}, ${row.owner_id}, ${row.content},
                  ${row.created_at}, ${row.status}, ${row.priority}, ${row.attempts}, ${row.updated_at})
          ON CONFLICT (message_id, kind) DO NOTHING`,
    ),
  );
  return rows.writes > 0;
}

/** A student message by id, through the unique index. */
export function findMessage(db: CountingSql, messageId: string): MessageRow | undefined {
  return db.first<MessageRow>(
    sql`SELECT seq, message_id, session_id, owner_id, content, created_at, status, priority,
               attempts, lease_id, worker_id, lease_expires_at, updated_at
        FROM entries WHERE message_id = ${messageId} AND kind = 'message'`,
  );
}

/** The reply stored for a message, through the unique index. */
export function findReply(db: CountingSql, messageId: string): { seq: number; content: string } | undefined {
  return db.first<{ seq: number; content: string }>(
    sql`SELECT seq, content FROM entries WHERE message_id = ${messageId} AND kind = 'reply'`,
  );
}

/** Every pending or leased message, through the partial index: what a wake-up rebuilds the queue from. */
export function openMessages(db: CountingSql): MessageRow[] {
  return db.all<MessageRow>(
    sql`SELECT seq, message_id, session_id, owner_id, content, created_at, status, priority,
               attempts, lease_id, worker_id, lease_expires_at, updated_at
        FROM entries WHERE status IN ('pending', 'leased') ORDER BY seq`,
  );
}

export function markLeased(
  db: CountingSql,
  seq: number,
  lease: { leaseId: string; workerId: string; expiresAt: number },
  now: number,
): void {
  db.run(
    sql`UPDATE entries SET status = 'leased', lease_id = ${lease.leaseId}, worker_id = ${lease.workerId},
          lease_expires_at = ${lease.expiresAt}, updated_at = ${now}
        WHERE seq = ${seq}`,
  );
}

/** Back to pending (a lease expired, or a dead letter was requeued); the lease is forgotten. */
export function markPending(db: CountingSql, seq: number, attempts: number, now: number): void {
  db.run(
    sql`UPDATE entries SET status = 'pending', attempts = ${attempts}, lease_id = NULL, worker_id = NULL,
          lease_expires_at = NULL, dead_notified = NULL, updated_at = ${now}
        WHERE seq = ${seq}`,
  );
}

export function markDead(db: CountingSql, seq: number, attempts: number, now: number): void {
  db.run(
    sql`UPDATE entries SET status = 'dead', attempts = ${attempts}, lease_id = NULL, worker_id = NULL,
          lease_expires_at = NULL, dead_notified = 0, updated_at = ${now}
        WHERE seq = ${seq}`,
  );
}

/** Completes the message and appends the reply as its own feed entry. Run inside a transaction. */
export function markCompleted(
  db: CountingSql,
  message: { seq: number; ownerId: string | null; workerId: string },
  reply: FeedEntry,
  now: number,
): void {
  db.run(sql`UPDATE entries SET status = 'completed', lease_expires_at = NULL, updated_at = ${now} WHERE seq = ${message.seq}`);
  db.run(
    sql`INSERT INTO entries (seq, kind, message_id, session_id, owner_id, content, created_at, worker_id)
        VALUES (${reply.seq}, 'reply', ${reply.messageId}, ${reply.sessionId}, ${message.ownerId}, ${reply.content},
                ${reply.createdAt}, ${message.workerId})`,
  );
}

export function setPriority(db: CountingSql, seq: number, priority: number, now: number): void {
  db.run(sql`UPDATE entries SET priority = ${priority}, updated_at = ${now} WHERE seq = ${seq}`);
}

/** The newest `limit` feed entries, newest first: one range read of the primary key. */
export function newestEntries(db: CountingSql, limit: number): FeedEntry[] {
  return db
    .all<FeedRow>(
      sql`SELECT seq, kind, message_id, session_id, content, created_at FROM entries ORDER BY seq DESC LIMIT ${limit}`,
    )
    .map(toFeedEntry);
}

/** Entries after a cursor older than the memory window: a primary-key range, `limit` + 1 rows at most. */
export function entriesAfter(db: CountingSql, after: number, limit: number): FeedEntry[] {
  return db
    .all<FeedRow>(
      sql`SELECT seq, kind, message_id, session_id, content, created_at FROM entries
          WHERE seq > ${after} ORDER BY seq LIMIT ${limit + 1}`,
    )
    .map(toFeedEntry);
}

/** The newest `limit` entries of one session, newest first, through (session_id, seq). */
export function sessionEntries(db: CountingSql, sessionId: string, limit: number): FeedEntry[] {
  return db
    .all<FeedRow>(
      sql`SELECT seq, kind, message_id, session_id, content, created_at FROM entries
          WHERE session_id = ${sessionId} ORDER BY seq DESC LIMIT ${limit}`,
    )
    .map(toFeedEntry);
}

/**
 * A hard-deleted chat's rows keep their seq (feed cursors stay valid) but lose
 * their text and owner; open ones are closed as dead and already told (nobody
 * is left to answer). One indexed range per session.
 */
/** A chat's entries change owner (the student signed in): a staff or bot answer still reaches the chat. */
export function setSessionOwner(db: CountingSql, sessionId: string, ownerId: string): void {
  db.run(sql`UPDATE entries SET owner_id = ${ownerId} WHERE session_id = ${sessionId} AND owner_id IS NOT NULL AND owner_id <> ${ownerId}`);
}

export function redactSession(db: CountingSql, sessionId: string, now: number): void {
  db.run(
    sql`UPDATE entries SET content = '', owner_id = NULL, updated_at = ${now},
          status = CASE WHEN status IN ('pending', 'leased') THEN 'dead' ELSE status END,
          dead_notified = CASE WHEN status IN ('pending', 'leased', 'dead') THEN 1 ELSE dead_notified END
        WHERE session_id = ${sessionId}`,
  );
}

type DeadRow = Pick<MessageRow, "seq" | "message_id" | "session_id" | "owner_id" | "content" | "attempts" | "updated_at">;

/** The oldest `limit` dead letters, through the partial index. */
export function deadLetters(db: CountingSql, limit: number): DeadLetter[] {
  return db
    .all<DeadRow>(
      sql`SELECT seq, message_id, session_id, owner_id, content, attempts, updated_at FROM entries
          WHERE status = 'dead' ORDER BY seq LIMIT ${limit}`,
    )
    .map(toDeadLetter);
}

/** Dead letters nobody has announced yet, through their own partial index. */
export function unnotifiedDeadLetters(db: CountingSql): DeadLetter[] {
  return db
    .all<DeadRow>(
      sql`SELECT seq, message_id, session_id, owner_id, content, attempts, updated_at FROM entries
          WHERE status = 'dead' AND dead_notified = 0 ORDER BY seq`,
    )
    .map(toDeadLetter);
}

export function countDeadLetters(db: CountingSql): number {
  return db.first<{ n: number }>(sql`SELECT COUNT(*) AS n FROM entries WHERE status = 'dead'`)?.n ?? 0;
}

export function markNotified(db: CountingSql, seq: number): void {
  db.run(sql`UPDATE entries SET dead_notified = 1 WHERE seq = ${seq} AND status = 'dead'`);
}

function toFeedEntry(row: FeedRow): FeedEntry {
  return {
    seq: row.seq,
    kind: row.kind,
    messageId: row.message_id,
    sessionId: row.session_id,
    content: row.content,
    createdAt: row.created_at,
  };
}

function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    seq: row.seq,
    messageId: row.message_id,
    sessionId: row.session_id,
    ownerId: row.owner_id,
    content: row.content,
    attempts: row.attempts,
    diedAt: row.updated_at,
  };
}
