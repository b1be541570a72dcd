import { sha256Hex } from "../../lib/ids";
import { Tier } from "../../lib/schemas";

/** D1 queries the student's memory makes (durable-objects/student-memory.ts). */

export interface MemoryProfile {
  /** The owner's tier (no profile row: free): how long an unused memory is kept. */
  tier: Tier;
  /**
   * When the owner last asked to be forgotten before Forget me rotated the owner id (epoch ms,
   * `profiles.memory_forgotten_at`, migration 0012), or null: no exchange begun before it may teach the memory.
   */
  forgottenAt: number | null;
  /** The owner id itself was forgotten (`forgotten_owners`, migration 0018): it is dead, and nothing more is learned for it. */
  ownerForgotten: boolean;
}

/** One statement, two reads by key (the profile, the tombstone); no rows read as a free tier never forgotten. */
export async function memoryProfile(db: D1Database, { ownerId }: { ownerId: string }): Promise<MemoryProfile> {
  const row = await db
    .prepare(
      `SELECT p.tier, p.memory_forgotten_at AS forgotten_at, (SELECT 1 FROM forgotten_owners WHERE owner_hash = ?2) AS dead
       FROM (SELECT 1) LEFT JOIN profiles p ON p.owner_id = ?1`,
    )
    .bind(ownerId, await sha256Hex(ownerId))
    .first<{ tier: string | null; forgotten_at: number | null; dead: number | null }>();
  const tier = Tier.safeParse(row?.tier);
  return { tier: tier.success ? tier.data : "free", forgottenAt: row?.forgotten_at ?? null, ownerForgotten: row?.dead === 1 };
}
