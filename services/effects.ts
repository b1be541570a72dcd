import { centerOfOwner } from "../lib/center/ids";
import type { CenterPolicy } from "../lib/center/policy";
import type { ChatMessage } from "../lib/schemas";
import type { AnalyticsEvent } from "../lib/analytics/events";
import type { AssistantEffect, EffectOutcome } from "../lib/tutoring/assistant";
import type { LimiterRule } from "../lib/rate-limits";
import { cancelBooking, createBooking, moveBooking, type BookingEnv } from "./bookings";
import { recordStaffMessage } from "./db/chats";
import { recordWaitlistJoin } from "./db/forget-me";
import { studentEmailOutcome } from "./mail";
import { messageQueue, waitlistFor } from "./objects";
import { takeLimits, type LimiterEnv } from "./limits";
import { messageIds } from "../lib/message-ids";
import type { Language } from "../lib/tutoring/schemas";

/** Hand-offs to staff go ahead of an outside bot's ordinary messages (default 5). */
export const HANDOFF_PRIORITY = 8;

/** The queue id of the hand-off a student's message asked for. */
export function handoffId(messageId: string): string {
  return messageIds.handoff(messageId);
}

/**
 * Carries out what the pure assistant asked for. Each effect is one D1
 * statement whose constraint decides the outcome: the double-booking guard is
 * the partial unique index on (tutor, date, start) of confirmed bookings, not a
 * read-then-write that two students could race through.
 */
export async function performEffect(
  effect: AssistantEffect,
  context: {
    /** The bookings, mail, bell, waitlists, memory and counts an effect reaches (services/bookings.ts). */
    env: BookingEnv & Pick<Env, "MESSAGE_QUEUE">;
    sessionId: string;
    ownerId: string;
    /** The student's message that asked for the effect (hand-offs are keyed by it). */
    messageId: string;
    transcript: ChatMessage[];
    now: Date;
    /** The center's policy as read for this turn: its zone places the booking, its rules word a refusal. */
    policy: CenterPolicy;
    /** The turn's counts (a booking made now, not found again on a retry), sent with the turn's own. */
    events?: AnalyticsEvent[];
    /** The chat's language: a booking keeps it (its emails), a refusal and a waitlist offer are said in it. */
    language?: Language;
    /** The limits on cancels, moves and waitlist joins, by owner and by the client's address; without them none is taken. */
    limits?: { env: LimiterEnv; address?: string };
  },
): Promise<EffectOutcome> {
  const now = context.now.getTime();
  try {
    const tooFast = await limitEffect(effect, context, now);
    if (tooFast) return tooFast;
    switch (effect.type) {
      case "create_booking": {
        const { env, sessionId, ownerId, policy, events } = context;
        const id = await bookingIdFor(sessionId, context.messageId);
        const made = await createBooking(env, { id, sessionId, ownerId, booking: effect.booking, now, policy, countInto: events ?? [], ...language(context) });
        return withEmail(made);
      }
      case "cancel_booking": {
        const cancelled = await cancelBooking(context.env, {
          bookingId: effect.bookingId, who: { by: "student", ownerId: context.ownerId }, now, tellChat: false, countInto: context.events ?? [],
        });
        if (!cancelled.ok) return cancelled.reason === "started" ? { ok: false, reason: "started", slot: cancelled.slot } : { ok: false, reason: "not_found" };
        return { ok: true, bookingId: effect.bookingId, ...(cancelled.late ? { lateCancel: cancelled.late } : {}), ...studentEmailOutcome(cancelled.mail) };
      }
      case "move_booking": {
        const { env, ownerId, policy, events } = context;
        return withEmail(await moveBooking(env, { bookingId: effect.bookingId, ownerId, to: effect.to, now, policy, countInto: events ?? [], ...language(context) }));
      }
      case "join_waitlist": {
        // The owner's index of lines (for Forget me) first: an entry is never in a line without it.
        await recordWaitlistJoin(context.env.DB, { ownerId: context.ownerId, tutorId: effect.wanted.tutorId, date: effect.wanted.slot.date, start: effect.wanted.slot.start });
        const joined = await waitlistFor(context.env, { tutorId: effect.wanted.tutorId, ...effect.wanted.slot }).join(
          { ownerId: context.ownerId, chatId: context.sessionId, wanted: effect.wanted, subject: effect.subject, ...language(context) },
          now,
        );
        if (!joined.ok) return { ok: false, reason: "error" };
        return { ok: true, position: joined.value.position };
      }
      case "leave_waitlist": {
        const left = await waitlistFor(context.env, { tutorId: effect.tutorId, ...effect.slot }).leave(context.ownerId, now);
        if (!left.ok) return { ok: false, reason: "error" };
        return { ok: true, left: left.value.left };
      }
      case "leave_message": {
        // The record with the transcript for staff, then the hand-off itself: a queued item that staff
        // or a bot claims and answers in this chat. Only a queued hand-off counts as sent.
        await recordStaffMessage(context.env.DB, {
          id: `sm-${crypto.randomUUID()}`,
          sessionId: context.sessionId,
          ownerId: context.ownerId,
          note: effect.note,
          transcript: JSON.stringify(context.transcript.slice(-30).map(({ role, content }) => ({ role, content }))),
          now,
        });
        const queued = await messageQueue(context.env, centerOfOwner(context.ownerId)).enqueue({
          messageId: handoffId(context.messageId),
          sessionId: context.sessionId,
          ownerId: context.ownerId,
          content: effect.note,
          priority: HANDOFF_PRIORITY,
          createdAt: now,
        });
        if (!queued.ok) {
          console.error("[effects] hand-off not queued", queued.error.message);
          return { ok: false, reason: "error" };
        }
        if (queued.value.created) context.events?.push({ type: "handoff" });
        return { ok: true };
      }
    }
  } catch (error) {
    const text = String(error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : error);
    // Only the one-booking-per-slot index means "taken"; any other constraint is a real error.
    if (/UNIQUE constraint failed: bookings\.tutor_id/i.test(text)) return { ok: false, reason: "slot_taken" };
    if (/FOREIGN KEY constraint failed/i.test(text)) return { ok: false, reason: "not_found" };
    console.error("[effects] failed", effect.type, error);
    return { ok: false, reason: "error" };
  }
}

/** The limits an effect takes before it does anything (lib/rate-limits.ts): cancels and moves, and waitlist joins. */
const EFFECT_LIMITS: Partial<Record<AssistantEffect["type"], readonly [LimiterRule, LimiterRule]>> = {
  cancel_booking: ["bookingChangesPerOwner", "bookingChangesPerIp"],
  move_booking: ["bookingChangesPerOwner", "bookingChangesPerIp"],
  join_waitlist: ["waitlistJoinsPerOwner", "waitlistJoinsPerIp"],
};

/** Null when the effect may go ahead; otherwise the outcome that says why not, and when to try again. */
async function limitEffect(effect: AssistantEffect, context: { ownerId: string; limits?: { env: LimiterEnv; address?: string } }, now: number): Promise<EffectOutcome | null> {
  const rules = EFFECT_LIMITS[effect.type];
  if (!rules || !context.limits) return null;
  const refused = await takeLimits(context.limits.env, [[rules[0], context.ownerId], [rules[1], context.limits.address]], now);
  return refused && !refused.ok ? { ok: false, reason: "rate_limited", message: refused.error.message } : null;
}

/** `bk-` and 32 hex digits of SHA-256(session id, message id): stable across retries, unguessable from outside. */
async function bookingIdFor(sessionId: string, messageId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${sessionId}:${messageId}`));
  return `bk-${[...new Uint8Array(digest)].slice(0, 16).map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** A create or move's answer with what the chat may say of the email (nothing it did not queue). */
function withEmail(outcome: EffectOutcome & { mail?: import("../lib/mail/outbox").MailQueued | null }): EffectOutcome {
  if (!outcome.ok) return outcome;
  const { mail, ...done } = outcome;
  return { ...done, ...studentEmailOutcome(mail ?? null) };
}

/** The chat's language as an effect's input carries it (absent: English). */
function language(context: { language?: Language }): { language?: Language } {
  return context.language ? { language: context.language } : {};
}
