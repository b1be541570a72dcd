import type { LimiterRule } from "../lib/rate-limits";
import { FIRST_CENTER } from "../lib/center/ids";
import { waitlistName, type WaitlistSlotKey } from "../lib/tutoring/waitlist";

/**
 * Which instance of each Durable Object a name picks: the one place an instance
 * is named (`idFromName`). Services and objects reach each other through these
 * and the `Env` binding types, never by importing an object's class.
 *
 * | object         | one instance per                      |
 * |----------------|---------------------------------------|
 * | ChatSession    | chat (session id)                     |
 * | Center         | center (its settings, policies, catalog version) |
 * | MessageQueue   | center                                |
 * | Analytics      | center                                |
 * | SessionManager | booking (booking id)                  |
 * | MailOutbox     | booking (booking id)                  |
 * | Waitlist       | slot (tutor, date, start)             |
 * | StudentMemory  | owner (owner id)                      |
 * | Notifications  | owner (owner id)                      |
 * | RateLimiter    | limit and key (rule, owner or /64)    |
 */

/**
 * A center's shared object's name. The first center keeps the name its objects had when the
 * deployment served one center ("global"), so its queue and counts stay where they are: migrated
 * in place. Any other center's objects are `center:<id>`.
 */
export function centerObjectName(center: string): string {
  return center === FIRST_CENTER ? "global" : `center:${center}`;
}

/** The center's settings, policies and catalog version, and the chats to tell when they change (durable-objects/center.ts). */
export function centerObject(env: Pick<Env, "CENTER">, center: string = FIRST_CENTER) {
  return env.CENTER.get(env.CENTER.idFromName(centerObjectName(center)));
}

export function chatSession(env: Pick<Env, "CHAT_SESSION">, sessionId: string) {
  return env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId));
}

/** The center's queue for work that needs someone outside the chat: external bots and hand-offs to staff. */
export function messageQueue(env: Pick<Env, "MESSAGE_QUEUE">, center: string = FIRST_CENTER) {
  return env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromName(centerObjectName(center)));
}

/** The center's counters, fed by each chat's hourly batch (durable-objects/chat/analytics-report.ts), never per exchange. */
export function analyticsObject(env: Pick<Env, "ANALYTICS">, center: string = FIRST_CENTER) {
  return env.ANALYTICS.get(env.ANALYTICS.idFromName(centerObjectName(center)));
}

/** The booking's session: its end alarm, then the room it closes. */
export function sessionManager(env: Pick<Env, "SESSION_MANAGER">, bookingId: string) {
  return env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromName(bookingId));
}

/** The booking's emails (confirmation, changes, reminders), each sent once. */
export function mailOutbox(env: Pick<Env, "MAIL_OUTBOX">, bookingId: string) {
  return env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
}

/** The one Waitlist object for a slot. */
export function waitlistFor(env: Pick<Env, "WAITLIST">, slot: WaitlistSlotKey) {
  return env.WAITLIST.get(env.WAITLIST.idFromName(waitlistName(slot)));
}

export function studentMemory(env: Pick<Env, "STUDENT_MEMORY">, ownerId: string) {
  return env.STUDENT_MEMORY.get(env.STUDENT_MEMORY.idFromName(ownerId));
}

/** The student's bell. */
export function notificationsOf(env: Pick<Env, "NOTIFICATIONS">, ownerId: string) {
  return env.NOTIFICATIONS.get(env.NOTIFICATIONS.idFromName(ownerId));
}

/** One bucket: a limit (lib/rate-limits.ts) for one key. */
export function rateLimiter(env: Pick<Env, "RATE_LIMITER">, rule: LimiterRule, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${rule}:${key}`));
}
