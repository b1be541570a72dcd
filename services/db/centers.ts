import { FIRST_CENTER, hostKey } from "../../lib/center/ids";

/**
 * D1 queries about the centers themselves (docs/centers.md): which center a host name or a bot
 * token names. Each is one read on a unique index (`centers_by_host`, `centers_by_bot_token`).
 */

export interface CenterInfo {
  id: string;
  name: string;
}

/**
 * The center a host name names; the first center for a host no center claims (and for no host).
 * One indexed read, or two when no center claims the host (then the first center's name is read).
 */
export async function centerForHost(db: D1Database, { host }: { host: string | null }): Promise<CenterInfo> {
  const key = host === null ? "" : hostKey(host);
  const row = key
    ? await db.prepare("SELECT id, name FROM centers WHERE host = ?1").bind(key).first<CenterInfo>()
    : null;
  return row ?? firstCenter(db);
}

async function firstCenter(db: D1Database): Promise<CenterInfo> {
  const row = await db.prepare("SELECT id, name FROM centers WHERE id = ?1").bind(FIRST_CENTER).first<CenterInfo>();
  return row ?? { id: FIRST_CENTER, name: "Tutoring center" };
}

/** The center whose bot token hashes to `tokenHash` (SHA-256 hex), or null: one read on `centers_by_bot_token`. */
export async function centerForBotToken(db: D1Database, { tokenHash }: { tokenHash: string }): Promise<string | null> {
  const row = await db.prepare("SELECT id FROM centers WHERE bot_token_hash = ?1").bind(tokenHash).first<{ id: string }>();
  return row?.id ?? null;
}
