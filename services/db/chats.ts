import { DAY_MS, GRACE_DAYS, type ChatSummary, type Tier } from "../../lib/schemas";

/**
 * D1 queries about chats (services/db/ holds every D1 query: each a named
 * function taking the database and one object argument). The record of chats: created with the session, soft deleted into a
 * trash, restorable for the owner's tier's grace period, hard deleted by the
 * weekly cron. Plain prepared statements: the cron's exact SQL matters (one
 * DELETE ... RETURNING per tier, no read before it) and tests assert it.
 */

const TIER_OF_OWNER = "COALESCE((SELECT tier FROM profiles WHERE profiles.owner_id = chats.owner_id), 'free')";
const GRACE_MS_OF_OWNER = `(CASE ${TIER_OF_OWNER} WHEN 'premium' THEN ${GRACE_DAYS.premium} WHEN 'pro' THEN ${GRACE_DAYS.pro} ELSE ${GRACE_DAYS.free} END) * ${DAY_MS}`;

type ChatRow = { id: string; title: string; created_at: number; updated_at: number; deleted_at: number | null; purge_at: number | null };

function toSummary(row: ChatRow): ChatSummary {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, deletedAt: row.deleted_at, purgeAt: row.purge_at };
}

/** A chat's title in the list: its first message on one line, at most 60 characters. */
export function chatTitle(content: string): string {
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** The chat row for a session (idempotent: an existing row is left as it is, zero rows written). */
export async function recordChat(db: D1Database, chat: { id: string; ownerId: string; title: string; now: number }) {
  await db
    .prepare("INSERT INTO chats (id, owner_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(chat.id, chat.ownerId, chat.title, chat.now, chat.now)
    .run();
}

export async function touchChat(db: D1Database, { id, now }: { id: string; now: number }) {
  await db.prepare("UPDATE chats SET updated_at = ? WHERE id = ? AND deleted = 0").bind(now, id).run();
}

/** The owner's live chats, or the trash with each chat's purge date; newest first (index chats_by_owner). */
export async function listChats(db: D1Database, { ownerId, trash }: { ownerId: string; trash: boolean }): Promise<ChatSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT id, title, created_at, updated_at, deleted_at,
              CASE WHEN deleted = 1 THEN deleted_at + ${GRACE_MS_OF_OWNER} END AS purge_at
       FROM chats WHERE owner_id = ? AND deleted = ? ORDER BY updated_at DESC LIMIT 200`,
    )
    .bind(ownerId, trash ? 1 : 0)
    .all<ChatRow>();
  return results.map(toSummary);
}

/** Moves the owner's chat to the trash; null when they have no such chat. Repeating it keeps the first date. */
export async function softDeleteChat(db: D1Database, input: { id: string; ownerId: string; now: number }): Promise<ChatSummary | null> {
  const row = await db
    .prepare(
      `UPDATE chats SET deleted = 1, deleted_at = COALESCE(deleted_at, ?)
       WHERE id = ? AND owner_id = ?
       RETURNING id, title, created_at, updated_at, deleted_at, deleted_at + ${GRACE_MS_OF_OWNER} AS purge_at`,
    )
    .bind(input.now, input.id, input.ownerId)
    .first<ChatRow>();
  return row ? toSummary(row) : null;
}

/** `live`: the chat is not in the trash (never was, or a restore already got this far). */
export type RestoreOutcome = { ok: true; chat: ChatSummary } | { ok: false; reason: "not_found" | "expired" } | { ok: false; reason: "live"; chat: ChatSummary };

/** Restores a trashed chat if the owner's grace window is still open: one conditional UPDATE. */
export async function restoreChat(db: D1Database, input: { id: string; ownerId: string; now: number }): Promise<RestoreOutcome> {
  const row = await db
    .prepare(
      `UPDATE chats SET deleted = 0, deleted_at = NULL, updated_at = ?
       WHERE id = ? AND owner_id = ? AND deleted = 1 AND deleted_at + ${GRACE_MS_OF_OWNER} > ?
       RETURNING id, title, created_at, updated_at, deleted_at, NULL AS purge_at`,
    )
    .bind(input.now, input.id, input.ownerId, input.now)
    .first<ChatRow>();
  if (row) return { ok: true, chat: toSummary(row) };
  // Only on refusal: tell "too late" apart from "no such chat in your trash", and a restore that
  // already happened (a retry after the chat's object could not be reopened) from both.
  const found = await db
    .prepare("SELECT id, title, created_at, updated_at, deleted_at, NULL AS purge_at, deleted FROM chats WHERE id = ? AND owner_id = ?")
    .bind(input.id, input.ownerId)
    .first<ChatRow & { deleted: number }>();
  if (found && found.deleted === 0) return { ok: false, reason: "live", chat: toSummary(found) };
  return { ok: false, reason: found ? "expired" : "not_found" };
}

/**
 * The weekly hard delete's D1 half, in one batch (one transaction): for each
 * tier, the chats past its grace period are recorded as pending cleanups and
 * deleted, with no read round-trip first. Returns every pending cleanup: this
 * run's and any an earlier run failed or never finished, so a run that dies
 * before the objects are emptied loses nothing. `deleted` counts this run's rows.
 */
export async function deleteExpiredChats(db: D1Database, { now }: { now: number }): Promise<{ deleted: number; pending: { id: string; attempts: number }[] }> {
  const tiers = Object.entries(GRACE_DAYS) as [Tier, number][];
  const expired = (tier: Tier, days: number) => ({ where: `deleted = 1 AND deleted_at < ? AND ${TIER_OF_OWNER} = ?`, values: [now - days * DAY_MS, tier] });
  const results = await db.batch<{ id: string; attempts: number }>([
    ...tiers.flatMap(([tier, days]) => {
      const { where, values } = expired(tier, days);
      return [
        db
          .prepare(`INSERT INTO chat_cleanup_failures (chat_id, attempts, last_error, updated_at) SELECT id, 0, 'pending', ? FROM chats WHERE ${where} ON CONFLICT (chat_id) DO NOTHING`)
          .bind(now, ...values),
        // Messages left for staff carry the chat's text (a note and the transcript): they go with it.
        db.prepare(`DELETE FROM staff_messages WHERE session_id IN (SELECT id FROM chats WHERE ${where})`).bind(...values),
        db.prepare(`DELETE FROM chats WHERE ${where}`).bind(...values),
      ];
    }),
    db.prepare("SELECT chat_id AS id, attempts FROM chat_cleanup_failures ORDER BY updated_at LIMIT 10000"),
  ]);
  const deleted = results.filter((_, index) => index % 3 === 2 && index < tiers.length * 3).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
  return { deleted, pending: results.at(-1)!.results };
}

/** One chat, now (the internal cleanup endpoint): recorded as pending and deleted from D1 in one batch. */
export async function deleteChatNow(db: D1Database, { id, now }: { id: string; now: number }): Promise<void> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO chat_cleanup_failures (chat_id, attempts, last_error, updated_at) VALUES (?, 0, 'pending', ?)
         ON CONFLICT (chat_id) DO NOTHING`,
      )
      .bind(id, now),
    db.prepare("DELETE FROM staff_messages WHERE session_id = ?").bind(id),
    db.prepare("DELETE FROM chats WHERE id = ?").bind(id),
  ]);
}

/** A cleanup finished: its pending record goes. */
export async function clearPendingCleanups(db: D1Database, { ids }: { ids: string[] }) {
  if (ids.length === 0) return;
  await db.batch(ids.map((id) => db.prepare("DELETE FROM chat_cleanup_failures WHERE chat_id = ?").bind(id)));
}

/** Keeps the chats whose cleanup failed, with the error, for the next run. */
export async function recordCleanupFailures(db: D1Database, { failures, now }: { failures: { id: string; attempts: number; error: string }[]; now: number }) {
  if (failures.length === 0) return;
  await db.batch(
    failures.map(({ id, attempts, error }) =>
      db
        .prepare(
          `INSERT INTO chat_cleanup_failures (chat_id, attempts, last_error, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (chat_id) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error, updated_at = excluded.updated_at`,
        )
        .bind(id, attempts + 1, error.slice(0, 500), now),
    ),
  );
}

/** A message a student left for the center, with the end of the transcript for context. */
export async function recordStaffMessage(
  db: D1Database,
  message: { id: string; sessionId: string; ownerId: string; note: string; transcript: string; now: number },
): Promise<void> {
  await db
    .prepare("INSERT INTO staff_messages (id, session_id, owner_id, note, transcript, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(message.id, message.sessionId, message.ownerId, message.note, message.transcript, message.now)
    .run();
}

/** The newest message a student left from this chat (its note and transcript), for the staff inbox. */
export async function latestStaffMessage(db: D1Database, { sessionId }: { sessionId: string }): Promise<{ note: string; transcript: string; createdAt: number } | null> {
  return db
    .prepare("SELECT note, transcript, created_at AS createdAt FROM staff_messages WHERE session_id = ? ORDER BY created_at DESC LIMIT 1")
    .bind(sessionId)
    .first<{ note: string; transcript: string; createdAt: number }>();
}

/** Up to `limit` of the owner's chats, live or in the trash ("Forget me" deletes them a batch at a time; index chats_by_owner). */
export async function ownerChatIds(db: D1Database, { ownerId, limit }: { ownerId: string; limit: number }): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM chats WHERE owner_id = ? LIMIT ?").bind(ownerId, limit).all<{ id: string }>();
  return results.map(({ id }) => id);
}

/**
 * Several chats of one owner, now ("Forget me"): recorded as pending cleanups and deleted from D1,
 * with the messages left for staff, in one batch. At most 90 ids (D1 binds 100 values a statement).
 */
export async function deleteOwnerChatsNow(db: D1Database, { ownerId, ids, now }: { ownerId: string; ids: string[]; now: number }): Promise<void> {
  if (ids.length === 0) return;
  const marks = ids.map(() => "?").join(", ");
  await db.batch([
    db
      .prepare(
        `INSERT INTO chat_cleanup_failures (chat_id, attempts, last_error, updated_at)
         SELECT id, 0, 'pending', ? FROM chats WHERE owner_id = ? AND id IN (${marks}) ON CONFLICT (chat_id) DO NOTHING`,
      )
      .bind(now, ownerId, ...ids),
    db.prepare(`DELETE FROM staff_messages WHERE owner_id = ? AND session_id IN (${marks})`).bind(ownerId, ...ids),
    db.prepare(`DELETE FROM chats WHERE owner_id = ? AND id IN (${marks})`).bind(ownerId, ...ids),
  ]);
}
