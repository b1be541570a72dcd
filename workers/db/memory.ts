import { Tier } from "../../lib/schemas";

/** D1 queries the student's memory makes (durable-objects/student-memory.ts, "Forget me" in workers/memory-page.ts). */

export interface MemoryProfile {
  /** The owner's tier (no profile row: free): how long an unused memory is kept. */
  tier: Tier;
  /** When the owner last asked to be forgotten (epoch ms), or null: no exchange begun before it may teach the memory. */
  forgottenAt: number | null;
}

/** One read by key (profiles' primary key); no row reads as a free tier never forgotten. */
export async function memoryProfile(db: D1Database, { ownerId }: { ownerId: string }): Promise<MemoryProfile> {
  const row = await db
    .prepare("SELECT tier, memory_forgotten_at AS forgotten_at FROM profiles WHERE owner_id = ?1")
    .bind(ownerId)
    .first<{ tier: string; forgotten_at: number | null }>();
  const tier = Tier.safeParse(row?.tier);
  return { tier: tier.success ? tier.data : "free", forgottenAt: row?.forgotten_at ?? null };
}

/** "Forget me" was asked at `now` (kept after the memory itself is gone: a timestamp, nothing learned). One row written. */
export async function markMemoryForgotten(db: D1Database, { ownerId, now }: { ownerId: string; now: number }): Promise<void> {
  await db
    .prepare("INSERT INTO profiles (owner_id, memory_forgotten_at) VALUES (?1, ?2) ON CONFLICT (owner_id) DO UPDATE SET memory_forgotten_at = excluded.memory_forgotten_at")
    .bind(ownerId, now)
    .run();
}
