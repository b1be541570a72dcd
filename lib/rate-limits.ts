import { limited, type ErrorCode, type Result } from "./errors";

/**
 * Every limit the site enforces, in one place, and the two algorithms behind
 * them. Pure: the state is plain data, so a Durable Object can keep it in
 * memory and store it when it likes. Limits never apply to the fallback's
 * React state (nothing reaches the server to limit).
 *
 * Each rule says what it counts by (`key`), where the count is kept (`where`: the
 * object that already handles the request when there is one, at no extra call;
 * otherwise a `RateLimiter` object named `{rule}:{key}`, one call), and what the
 * refusal says (`code`, `message`; `{wait}` becomes "a few seconds", "N minutes"…).
 * docs/limits.md lists them with their cost.
 */

type RefusalCode = Extract<ErrorCode, `rate_limited:${string}`>;
type Place = "RateLimiter" | "ChatSession" | "Notifications" | "MessageQueue" | "D1";
type Key = "owner" | "address" | "chat" | "socket" | "token" | "member" | "owner or email" | "email";
interface Told {
  key: Key;
  where: Place;
  code: RefusalCode;
  message: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const LIMITS = {
  // ---- chats and their messages ----
  /** New chats per owner (a browser): each is a Durable Object and a D1 row kept until purged. */
  chatsPerOwner: {
    kind: "window", limit: 20, windowMs: HOUR, key: "owner", where: "RateLimiter", code: "rate_limited:chats",
    message: "You have started a lot of new chats in the last hour. Please continue in one of your chats, or try again later.",
  },
  /** New chats per client address: a script minting fresh cookies is still one address. */
  chatsPerIp: {
    kind: "window", limit: 60, windowMs: HOUR, key: "address", where: "RateLimiter", code: "rate_limited:chats",
    message: "Many new chats were started from your network in the last hour. Please continue in one of your chats, or try again later.",
  },
  /** Messages per chat: a burst of 10, then one every 3 s (20 a minute) sustained. */
  messagesPerChat: {
    kind: "bucket", capacity: 10, refillEveryMs: 3_000, key: "chat", where: "ChatSession", code: "rate_limited:messages",
    message: "You're sending messages faster than the assistant can keep up. Please wait a few seconds.",
  },
  /**
   * PATCHes per chat (booking-form drafts, the tutor picked): one row each. A draft is saved 400 ms
   * after typing pauses, so filling the form is a dozen or two; 30 at once, then one every 2 s.
   */
  patchesPerChat: {
    kind: "bucket", capacity: 30, refillEveryMs: 2_000, key: "chat", where: "ChatSession", code: "rate_limited:session",
    message: "You're changing this chat faster than it can be saved. Please wait {wait}, then try again.",
  },
  /** 👍/👎 per chat: one row and an analytics event each; a student votes on a few replies, changing one now and then. */
  votesPerChat: {
    kind: "bucket", capacity: 20, refillEveryMs: 3_000, key: "chat", where: "ChatSession", code: "rate_limited:votes",
    message: "You're voting faster than we can save it. Please wait {wait}, then try again.",
  },
  /**
   * Frames per chat socket: each wakes the object. A tab sends a hello per connect, a read receipt
   * per message seen and a typing notice every few seconds while typing: far below 2 a second.
   */
  chatFramesPerSocket: {
    kind: "bucket", capacity: 60, refillEveryMs: 500, key: "socket", where: "ChatSession", code: "rate_limited:sockets",
    message: "Too many frames on this socket.",
  },
  // ---- sockets ----
  /** Socket tickets per owner, chat and bell together: a page open takes two, each reconnect one. */
  socketTicketsPerOwner: {
    kind: "bucket", capacity: 60, refillEveryMs: 1_000, key: "owner", where: "RateLimiter", code: "rate_limited:sockets",
    message: "Too many live connections were opened. Please wait {wait}.",
  },
  /** Frames per bell socket: the bell sends one hello per connect (its pings never reach the object). */
  bellFramesPerSocket: {
    kind: "bucket", capacity: 10, refillEveryMs: 6_000, key: "socket", where: "Notifications", code: "rate_limited:sockets",
    message: "Too many frames on this socket.",
  },
  // ---- the student's other writes ----
  /** Chats moved to or from the trash per owner: a D1 row and the chat's gate each. */
  chatTrashPerOwner: {
    kind: "bucket", capacity: 20, refillEveryMs: 3_000, key: "owner", where: "RateLimiter", code: "rate_limited:chat_list",
    message: "You're moving chats to and from the trash very quickly. Please wait {wait}, then try again.",
  },
  /** Corrections and deletes on /memory per owner: 1–2 rows each; a student fixes a handful of facts. */
  memoryEditsPerOwner: {
    kind: "bucket", capacity: 20, refillEveryMs: 3_000, key: "owner", where: "RateLimiter", code: "rate_limited:memory",
    message: "You're changing what the assistant remembers very quickly. Please wait {wait}, then try again.",
  },
  /** "Forget me" per owner: hard-deletes every chat (a call per chat) and writes D1; once is what anyone needs. */
  forgetMePerOwner: {
    kind: "window", limit: 5, windowMs: HOUR, key: "owner", where: "RateLimiter", code: "rate_limited:memory",
    message: "\u201cForget me\u201d was asked several times in the last hour. Please try again in {wait}.",
  },
  /** Email preferences per owner (both routes): one D1 row each, saved by pressing Save. */
  preferencesPerOwner: {
    kind: "bucket", capacity: 10, refillEveryMs: 6_000, key: "owner", where: "RateLimiter", code: "rate_limited:preferences",
    message: "You're saving your preferences very quickly. Please wait {wait}, then try again.",
  },
  /** Marking notifications read per owner: opening /notifications marks them all, once per visit. */
  notificationReadsPerOwner: {
    kind: "bucket", capacity: 20, refillEveryMs: 3_000, key: "owner", where: "RateLimiter", code: "rate_limited:notifications",
    message: "Your notifications are being marked read very often. Please wait {wait}.",
  },
  /**
   * Cancels and moves per owner (chat and My bookings): each emails the student and the tutor,
   * rings the bell and offers the freed slot to its waitlist. Booking and cancelling in a loop would
   * fill a tutor's inbox; a student changes a session or two a week.
   */
  bookingChangesPerOwner: {
    kind: "window", limit: 10, windowMs: HOUR, key: "owner", where: "RateLimiter", code: "rate_limited:bookings",
    message: "You've cancelled or moved several sessions in the last hour, the most we allow. Please try again in {wait}, or leave a message for the center.",
  },
  /** Cancels and moves per client address, over every cookie a script could mint. */
  bookingChangesPerIp: {
    kind: "window", limit: 30, windowMs: HOUR, key: "address", where: "RateLimiter", code: "rate_limited:bookings",
    message: "Many sessions were cancelled or moved from your network in the last hour. Please try again in {wait}, or leave a message for the center.",
  },
  /**
   * Waitlist joins per owner: a join puts the student ahead of everyone who joins later, so fake
   * owners could push real waiters back. A student waits for a slot or two.
   */
  waitlistJoinsPerOwner: {
    kind: "window", limit: 5, windowMs: HOUR, key: "owner", where: "RateLimiter", code: "rate_limited:waitlist",
    message: "You've joined several waitlists in the last hour, the most we allow. Please try again in {wait}.",
  },
  /** Waitlist joins per client address: fake owners from one network get 10 places an hour, over every slot. */
  waitlistJoinsPerIp: {
    kind: "window", limit: 10, windowMs: HOUR, key: "address", where: "RateLimiter", code: "rate_limited:waitlist",
    message: "Many waitlist places were taken from your network in the last hour. Please try again in {wait}.",
  },
  /**
   * Every other student write per client address (PATCH, votes, tickets, the trash, memory edits,
   * forget me, preferences, read marks): a script rotating cookies is still one address. 300 at
   * once, then 5 a second: room for a campus behind one NAT address.
   */
  writesPerIp: {
    kind: "bucket", capacity: 300, refillEveryMs: 200, key: "address", where: "RateLimiter", code: "rate_limited:address",
    message: "Too many requests are coming from your network. Please wait {wait}, then try again.",
  },
  // ---- student accounts ----
  /** Sign-in links mailed to one address: each is an email to someone who may not have asked for it. */
  signInLinksPerEmail: {
    kind: "window", limit: 3, windowMs: 15 * MINUTE, key: "email", where: "RateLimiter", code: "rate_limited:sign_in",
    message: "We've sent several sign-in links to that address in the last few minutes. Please use the newest one, or try again in {wait}.",
  },
  /** Sign-in links asked for from one network: a script mailing many addresses is still one address. */
  signInLinksPerIp: {
    kind: "window", limit: 20, windowMs: HOUR, key: "address", where: "RateLimiter", code: "rate_limited:sign_in",
    message: "Many sign-in links were asked for from your network in the last hour. Please try again in {wait}.",
  },
  /** Sign-ins (a link's click, a campus sign-in's return) from one network: a token cannot be guessed, but each try reads D1. */
  signInsPerIp: {
    kind: "window", limit: 30, windowMs: 15 * MINUTE, key: "address", where: "RateLimiter", code: "rate_limited:sign_in",
    message: "Too many sign-in attempts from your network. Please wait {wait}.",
  },
  /** Data exports per owner: each reads every chat's object; a student downloads theirs now and then. */
  exportsPerOwner: {
    kind: "window", limit: 5, windowMs: HOUR, key: "owner", where: "RateLimiter", code: "rate_limited:sign_in",
    message: "You've downloaded your data several times in the last hour. Please try again in {wait}.",
  },
  // ---- bots and staff ----
  /**
   * Calls to the bot API per bot token: a burst of 120, then 10 a second. A bot polling
   * claim-next every 100 ms fits; a bot stuck in a loop does not flood the queue.
   */
  botCallsPerToken: {
    kind: "bucket", capacity: 120, refillEveryMs: 100, key: "token", where: "MessageQueue", code: "rate_limited:api",
    message: "Too many bot API calls; slow down.",
  },
  /** Staff passkey sign-ins and registrations per client address: a passkey cannot be guessed, but each attempt costs D1 reads and spends a challenge. */
  staffSignInsPerIp: {
    kind: "window", limit: 10, windowMs: 15 * MINUTE, key: "address", where: "RateLimiter", code: "rate_limited:staff_sign_in",
    message: "Too many sign-in attempts. Please wait a few minutes.",
  },
  /** Sign-in and invite challenges per client address: each is a D1 row, so asking for them is limited too, more loosely. */
  staffChallengesPerIp: {
    kind: "window", limit: 60, windowMs: 15 * MINUTE, key: "address", where: "RateLimiter", code: "rate_limited:staff_sign_in",
    message: "Too many sign-in attempts. Please wait a few minutes.",
  },
  /** Invites per admin: each is a D1 row and a working link for 24 hours; a center invites a few colleagues at a time. */
  staffInvitesPerMember: {
    kind: "window", limit: 20, windowMs: HOUR, key: "member", where: "RateLimiter", code: "rate_limited:staff",
    message: "You've created many invites in the last hour. Please try again in {wait}.",
  },
  /**
   * Every other staff change per member (inbox claims and replies, the schedule, settings, tutors):
   * a coordinator marking a day's attendance clicks a few dozen times; 60 at once, then one a second.
   */
  staffChangesPerMember: {
    kind: "bucket", capacity: 60, refillEveryMs: 1_000, key: "member", where: "RateLimiter", code: "rate_limited:staff",
    message: "You're making changes faster than the console can save them. Please wait {wait}, then try again.",
  },
  /**
   * An admin's changes to staff access (invites, passkey links, roles, disables, passkeys removed, invites
   * revoked), per admin: each writes rows, and a hijacked admin session cannot churn the staff list.
   */
  staffAdminActionsPerMember: {
    kind: "window", limit: 60, windowMs: 15 * MINUTE, key: "member", where: "RateLimiter", code: "rate_limited:staff_admin",
    message: "Too many changes to staff access in a short time. Please wait a few minutes.",
  },
  // ---- bookings ----
  /** Confirmed sessions still to come, per owner and per email: nobody empties the calendar. */
  activeBookings: { kind: "count", limit: 5, key: "owner or email", where: "D1" },
} as const satisfies Record<string, (({ kind: "window"; limit: number; windowMs: number } | { kind: "bucket"; capacity: number; refillEveryMs: number }) & Told) | { kind: "count"; limit: number; key: Key; where: Place }>;

export type LimitName = keyof typeof LIMITS;
type RefusingName = { [K in LimitName]: (typeof LIMITS)[K] extends { code: RefusalCode } ? K : never }[LimitName];
/** The rules a `RateLimiter` object keeps (durable-objects/rate-limiter.ts). */
export type LimiterRule = { [K in LimitName]: (typeof LIMITS)[K]["where"] extends "RateLimiter" ? K : never }[LimitName];
export const LIMITER_RULES: ReadonlySet<string> = new Set(Object.entries(LIMITS).flatMap(([name, rule]) => (rule.where === "RateLimiter" ? [name] : [])));

/** "a few seconds", "40 seconds", "about 12 minutes": how long a refusal asks to wait. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 10) return "a few seconds";
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `about ${minutes} minutes` : `about ${Math.ceil(minutes / 60)} hours`;
}

/** The refusal for going past `rule`: a 429 with its code, its message and when to try again. */
export function refusal(rule: RefusingName, retryAfterMs: number): Result<never> {
  const { code, message } = LIMITS[rule];
  return limited(code, message.replace("{wait}", waitText(retryAfterMs)), retryAfterMs);
}

/** Where a request came from: its client address as `clientAddress` keys it (absent: no limit by address). */
export interface ClientContext {
  address?: string;
}

/**
 * What a limit by address counts by: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber's network: a client can rotate through the 2^64 addresses in it at will), an
 * IPv4-mapped IPv6 address as the IPv4 address it is. Null, so no limit is keyed by it, for
 * anything that is not an address, for loopback (a local `wrangler dev`, where every request comes
 * from it; Cloudflare never forwards it) and for the unspecified address.
 */
export function clientAddress(ip: string | undefined | null): string | null {
  if (typeof ip !== "string" || ip.length > 64) return null;
  const v4 = ipv4(ip);
  if (v4) return v4[0] === 127 ? null : v4.join(".");
  const groups = ipv6(ip);
  if (!groups || groups.every((group) => group === 0)) return null;
  const prefixZero = groups.slice(0, 5).every((group) => group === 0);
  if (prefixZero && groups[5] === 0 && groups[6] === 0 && groups[7] === 1) return null;
  if (prefixZero && groups[5] === 0xffff) {
    const mapped = [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff];
    return mapped[0] === 127 ? null : mapped.join(".");
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(":")}::/64`;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function ipv4(text: string): number[] | null {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((part) => OCTET.test(part)) ? parts.map(Number) : null;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups), or null. */
function ipv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string, last: boolean): number[] | null => {
    if (part === "") return [];
    const pieces = part.split(":");
    const groups: number[] = [];
    for (const [index, piece] of pieces.entries()) {
      const dotted = last && index === pieces.length - 1 ? ipv4(piece) : null;
      if (dotted) groups.push((dotted[0]! << 8) | dotted[1]!, (dotted[2]! << 8) | dotted[3]!);
      else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) groups.push(parseInt(piece, 16));
      else return null;
    }
    return groups;
  };
  if (halves.length === 1) {
    const groups = groupsOf(text, true);
    return groups?.length === 8 ? groups : null;
  }
  const [left, right] = [groupsOf(halves[0]!, false), groupsOf(halves[1]!, true)];
  if (!left || !right || left.length + right.length > 7) return null;
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

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
