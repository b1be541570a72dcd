/**
 * `profiles.memory_version`: how many times the owner's StudentMemory has changed. The memory
 * object moves it after each change; a chat compares it with the version of the copy it keeps in
 * its own storage (durable-objects/chat/memory.ts) and asks the memory object again only when they
 * differ. An owner without a profile row is at version 0.
 */

/** The owner's memory version. One row read by key (0 for an owner without a profile). */
export async function memoryVersion(db: D1Database, { ownerId }: { ownerId: string }): Promise<number> {
  const row = await db.prepare("SELECT memory_version AS version FROM profiles WHERE owner_id = ?1").bind(ownerId).first<{ version: number }>();
  return row?.version ?? 0;
}

/** Moves the owner's memory version on by one and answers the new one. One row written, by key. */
export async function bumpMemoryVersion(db: D1Database, { ownerId }: { ownerId: string }): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO profiles (owner_id, memory_version) VALUES (?1, 1)
       ON CONFLICT (owner_id) DO UPDATE SET memory_version = memory_version + 1
       RETURNING memory_version AS version`,
    )
    .bind(ownerId)
    .first<{ version: number }>();
  return row?.version ?? 0;
}
