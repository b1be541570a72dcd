import { DAY_MS, GRACE_DAYS, type ChatSummary, type Tier } from "../lib/schemas";

/**
 * The D1 record of chats: created with the session, soft deleted into a
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

/** The chat row for a new session (idempotent). */
export async function recordChat(db: D1Database, chat: { id: string; ownerId: string; title: string; now: number }) {
  await db
    .prepare("INSERT INTO chats (id, owner_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(chat.id, chat.ownerId, chat.title, chat.now, chat.now)
    .run();
}

export async function touchChat(db: D1Database, id: string, now: number) {
  await db.prepare("UPDATE chats SET updated_at = ? WHERE id = ? AND deleted = 0").bind(now, id).run();
}

/** The owner's live chats, or the trash with each chat's purge date; newest first (index chats_by_owner). */
export async function listChats(db: D1Database, ownerId: string, trash: boolean): Promise<ChatSummary[]> {
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

export type RestoreOutcome = { ok: true; chat: ChatSummary } | { ok: false; reason: "not_found" | "expired" };

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
  // Only on refusal: tell "too late" apart from "no such chat in your trash".
  const trashed = await db.prepare("SELECT 1 AS found FROM chats WHERE id = ? AND owner_id = ? AND deleted = 1").bind(input.id, input.ownerId).first();
  return { ok: false, reason: trashed ? "expired" : "not_found" };
}

/**
 * The weekly hard delete's D1 half: for each tier one DELETE ... RETURNING of
 * the chats past its grace period, plus the ids whose object cleanup failed
 * last time (drained the same way). No read query runs first.
 */
export async function deleteExpiredChats(db: D1Database, now: number): Promise<{ id: string; attempts: number }[]> {
  const tiers = Object.entries(GRACE_DAYS) as [Tier, number][];
  const results = await db.batch<{ id: string; attempts: number }>([
    ...tiers.map(([tier, days]) =>
      db
        .prepare(`DELETE FROM chats WHERE deleted = 1 AND deleted_at < ? AND ${TIER_OF_OWNER} = ? RETURNING id, 0 AS attempts`)
        .bind(now - days * DAY_MS, tier),
    ),
    db.prepare("DELETE FROM chat_cleanup_failures RETURNING chat_id AS id, attempts"),
  ]);
  const byId = new Map<string, number>();
  for (const row of results.flatMap((result) => result.results)) byId.set(row.id, Math.max(row.attempts, byId.get(row.id) ?? 0));
  return [...byId].map(([id, attempts]) => ({ id, attempts }));
}

/** Keeps the chats whose object could not be emptied, for the next run. */
export async function recordCleanupFailures(db: D1Database, failures: { id: string; attempts: number; error: string }[], now: number) {
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
