/**
 * Every limit the site enforces, in one place, and the two algorithms behind
 * them. Pure: the state is plain data, so a Durable Object can keep it in
 * memory and store it when it likes. Limits never apply to the fallback's
 * React state (nothing reaches the server to limit).
 */

export const LIMITS = {
  /** New chats per owner (a browser): each is a Durable Object and a D1 row kept until purged. */
  chatsPerOwner: { kind: "window", limit: 20, windowMs: 60 * 60_000 },
  /** New chats per client IP: a script minting fresh cookies is still one address. */
  chatsPerIp: { kind: "window", limit: 60, windowMs: 60 * 60_000 },
  /** Messages per chat: a burst of 10, then one every 3 s (20 a minute) sustained. */
  messagesPerChat: { kind: "bucket", capacity: 10, refillEveryMs: 3_000 },
  /**
   * Calls to the bot API per bot token: a burst of 120, then 10 a second. A bot polling
   * claim-next every 100 ms fits; a bot stuck in a loop does not flood the queue.
   */
  botCallsPerToken: { kind: "bucket", capacity: 120, refillEveryMs: 100 },
  /** Staff passkey sign-ins per client IP: a passkey cannot be guessed, but each attempt costs D1 reads and a challenge row. */
  staffSignInsPerIp: { kind: "window", limit: 10, windowMs: 15 * 60_000 },
  /** Sign-in challenges per client IP: each is a D1 row, so asking for them is limited too, more loosely. */
  staffChallengesPerIp: { kind: "window", limit: 60, windowMs: 15 * 60_000 },
  /**
   * An admin's changes to staff access (invites, passkey links, roles, disables, passkeys removed, invites
   * revoked), per admin: each writes rows, and a hijacked admin session cannot churn the staff list.
   */
  staffAdminActionsPerMember: { kind: "window", limit: 60, windowMs: 15 * 60_000 },
  /** Confirmed sessions still to come, per owner and per email: nobody empties the calendar. */
  activeBookings: { kind: "count", limit: 5 },
} as const;

export type WindowRule = { kind: "window"; limit: number; windowMs: number };
export type BucketRule = { kind: "bucket"; capacity: number; refillEveryMs: number };

export type Decision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Sliding window, approximated with two fixed windows (the previous one's
 * count weighted by how much of it still overlaps): O(1) state per key.
 */
export interface WindowState {
  /** Start of the current fixed window (epoch ms). */
  start: number;
  current: number;
  previous: number;
}

export function takeFromWindow(rule: WindowRule, state: WindowState | null, now: number): { decision: Decision; state: WindowState } {
  let next: WindowState = state ?? { start: now - (now % rule.windowMs), current: 0, previous: 0 };
  const elapsedWindows = Math.floor((now - next.start) / rule.windowMs);
  if (elapsedWindows === 1) next = { start: next.start + rule.windowMs, current: 0, previous: next.current };
  else if (elapsedWindows > 1) next = { start: now - (now % rule.windowMs), current: 0, previous: 0 };
  const overlap = 1 - (now - next.start) / rule.windowMs;
  const used = next.previous * overlap + next.current;
  if (used + 1 > rule.limit) {
    // The oldest weighted request leaves as the window slides; at worst, when the current window ends.
    const retryAfterMs = next.previous > 0 ? Math.ceil(((used + 1 - rule.limit) / next.previous) * rule.windowMs) : next.start + rule.windowMs - now;
    return { decision: { allowed: false, retryAfterMs: Math.max(1, Math.min(retryAfterMs, next.start + rule.windowMs - now)) }, state: next };
  }
  next = { ...next, current: next.current + 1 };
  return { decision: { allowed: true, remaining: Math.max(0, Math.floor(rule.limit - used - 1)) }, state: next };
}

/** Token bucket: `capacity` tokens, one more every `refillEveryMs`. */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

export function takeFromBucket(rule: BucketRule, state: BucketState | null, now: number): { decision: Decision; state: BucketState } {
  const current = state ?? { tokens: rule.capacity, updatedAt: now };
  // A clock that steps back (requests racing each other) refills nothing, and never drains.
  const updatedAt = Math.max(now, current.updatedAt);
  const tokens = Math.min(rule.capacity, current.tokens + (updatedAt - current.updatedAt) / rule.refillEveryMs);
  if (tokens < 1) {
    return { decision: { allowed: false, retryAfterMs: Math.ceil((1 - tokens) * rule.refillEveryMs) }, state: { tokens, updatedAt } };
  }
  return { decision: { allowed: true, remaining: Math.floor(tokens - 1) }, state: { tokens: tokens - 1, updatedAt } };
}
