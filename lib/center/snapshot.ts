import type { CenterPolicy } from "./policy";

/**
 * What every exchange needs to know about its center, as the center's `Center` object holds it
 * (durable-objects/center.ts): the policy (settings, hours, closed dates, persona, the reader) and
 * the catalog version the tutor lists are cached at. `version` moves on every change the object
 * sees, so a chat keeps the newer of two snapshots that cross.
 */
export interface CenterSnapshot {
  version: number;
  policy: CenterPolicy;
  catalogVersion: number;
  /** When the object read this from D1 (epoch ms). */
  readAt: number;
}

/** A chat trusts its snapshot for a day, then asks its Center again (which renews its subscription). */
export const SNAPSHOT_TTL_MS = 24 * 60 * 60_000;
