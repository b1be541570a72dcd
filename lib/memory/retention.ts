import { DAY_MS, GRACE_DAYS, type Tier } from "../schemas";

/**
 * How long a student's memory is kept: as long as the owner's tier keeps a
 * chat in the trash (GRACE_DAYS: free 30, pro 90, premium 365 days), counted
 * from the memory's last use (a recall or a learn) in whole UTC days. Pure:
 * the StudentMemory's alarm applies it.
 */

/** The UTC day `now` falls in (epoch ms of its midnight): last use is stored only when this changes. */
export function dayOf(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** When a memory last used on `lastUsedDay` is deleted for an owner of `tier`. */
export function expiresAt(lastUsedDay: number, tier: Tier): number {
  return lastUsedDay + GRACE_DAYS[tier] * DAY_MS;
}

/**
 * When the alarm looks again: at the expiry, but at least every free-tier
 * period, so a downgrade (read from D1 at each check) takes effect within 30
 * days. Never before `now`.
 */
export function nextCheck(lastUsedDay: number, tier: Tier, now: number): number {
  return Math.max(now, Math.min(expiresAt(lastUsedDay, tier), now + GRACE_DAYS.free * DAY_MS));
}
