import type { CenterPolicy } from "../lib/center/policy";
import type { ChatMessage } from "../lib/schemas";
import type { AnalyticsEvent } from "../lib/analytics/events";
import type { AssistantEffect, EffectOutcome } from "../lib/tutoring/assistant";
import { zonedToEpoch } from "../lib/tutoring/clock";
import { cancelConfirmedBooking, findBookingOwner, insertOfferedBooking, whyBookingRefused } from "./db/bookings";
import { recordStaffMessage } from "./db/chats";
import type { MessageQueue } from "../durable-objects/message-queue";
import type { SessionManager } from "../durable-objects/session-manager";
import { queueBookingMail, studentEmailed, type MailEnv } from "./mail";
import { notifyStudent, type NotifyEnv } from "./notify";
import { bookingCancelledNotice, bookingConfirmedNotice } from "../lib/notifications/messages";

/** Hand-offs to staff go ahead of an outside bot's ordinary messages (default 5). */
export const HANDOFF_PRIORITY = 8;

/** The queue id of the hand-off a student's message asked for. */
export function handoffId(messageId: string): string {
  return `${messageId}:handoff`;
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
    db: D1Database;
    sessionManagers: DurableObjectNamespace<SessionManager>;
    queue: DurableObjectStub<MessageQueue>;
    sessionId: string;
    ownerId: string;
    /** The student's message that asked for the effect (hand-offs are keyed by it). */
    messageId: string;
    transcript: ChatMessage[];
    now: Date;
    /** The center's policy as read for this turn: its zone places the booking, its rules word a refusal. */
    policy: CenterPolicy;
    /** Collects what happened for analytics (a booking made now, not found again on a retry). */
    events?: AnalyticsEvent[];
    /** Where booking emails are queued (the MailOutbox); without it, or unconfigured, none are and none are promised. */
    mail?: MailEnv;
    /** The student's bell (the Notifications object); without it nothing is added. */
    notify?: Partial<NotifyEnv>;
  },
): Promise<EffectOutcome> {
  const now = context.now.getTime();
  try {
    switch (effect.type) {
      case "create_booking": {
        // One id per (chat, message): a retried message finds its own booking instead of booking twice.
        const id = await bookingIdFor(context.sessionId, context.messageId);
        const timeZone = context.policy.timeZone;
        const booked = await insertOfferedBooking(context.db, { id, sessionId: context.sessionId, ownerId: context.ownerId, ...effect.booking, now, timeZone });
        if (!booked) {
          const existing = await findBookingOwner(context.db, { id });
          if (!existing) return whyBookingRefused(context.db, { ...effect.booking, ownerId: context.ownerId, now }, context.policy);
          if (existing.ownerId !== context.ownerId || existing.sessionId !== context.sessionId) return { ok: false, reason: "error" };
        }
        if (booked) context.events?.push({ type: "booking_made" });
        await scheduleEnd(context.sessionManagers, { bookingId: id, ownerId: context.ownerId, date: effect.booking.date, end: effect.booking.end, timeZone });
        // A retried message finds the outbox's record of this event: the same answer, no second email.
        const emailedTo = studentEmailed(await queueBookingMail(context.mail, id, "confirmed"));
        // Keyed by booking and event: the retried message adds no second notification.
        await notifyStudent(context.notify, context.ownerId, bookingConfirmedNotice({ bookingId: id, ...effect.booking }));
        return { ok: true, bookingId: id, ...(emailedTo ? { emailedTo } : {}) };
      }
      case "cancel_booking": {
        const cancelled = await cancelBooking({ db: context.db, sessionManagers: context.sessionManagers, bookingId: effect.bookingId, ownerId: context.ownerId, now });
        if (!cancelled) return { ok: false, reason: "not_found" };
        const emailedTo = studentEmailed(await queueBookingMail(context.mail, effect.bookingId, "cancelled"));
        await notifyStudent(context.notify, context.ownerId, bookingCancelledNotice({ bookingId: effect.bookingId, ...cancelled, by: "you" }));
        context.events?.push({ type: "booking_cancelled" }, ...(cancelled.lateCancel ? [{ type: "booking_late_cancelled" } as const] : []));
        return {
          ok: true,
          bookingId: effect.bookingId,
          ...(cancelled.lateCancel ? { lateCancel: { cutoffHours: cancelled.cutoffHours } } : {}),
          ...(emailedTo ? { emailedTo } : {}),
        };
      }
      case "leave_message": {
        // The record with the transcript for staff, then the hand-off itself: a queued item that staff
        // or a bot claims and answers in this chat. Only a queued hand-off counts as sent.
        await recordStaffMessage(context.db, {
          id: `sm-${crypto.randomUUID()}`,
          sessionId: context.sessionId,
          ownerId: context.ownerId,
          note: effect.note,
          transcript: JSON.stringify(context.transcript.slice(-30).map(({ role, content }) => ({ role, content }))),
          now,
        });
        const queued = await context.queue.enqueue({
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

/** `bk-` and 32 hex digits of SHA-256(session id, message id): stable across retries, unguessable from outside. */
async function bookingIdFor(sessionId: string, messageId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${sessionId}:${messageId}`));
  return `bk-${[...new Uint8Array(digest)].slice(0, 16).map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Cancels one of the owner's confirmed bookings (one conditional UPDATE: another
 * owner's booking, or one already cancelled or ended, is "not found") and drops
 * its SessionManager's alarm: no room to close for a session that will not happen.
 * Returns the chat it was booked from and whether the cancel was late, or null.
 */
export async function cancelBooking(input: {
  db: D1Database;
  sessionManagers: DurableObjectNamespace<SessionManager>;
  bookingId: string;
  ownerId: string;
  now: number;
}): Promise<{ sessionId: string; lateCancel: boolean; cutoffHours: number; date: string; start: string } | null> {
  const cancelled = await cancelConfirmedBooking(input.db, input);
  if (!cancelled) return null;
  await input.sessionManagers.get(input.sessionManagers.idFromName(input.bookingId)).cancel();
  return cancelled;
}

/**
 * Asks the booking's SessionManager to end the session on time. A failure is
 * logged, not fatal: the booking stands, and staff can see it was not scheduled.
 */
async function scheduleEnd(
  managers: DurableObjectNamespace<SessionManager>,
  booking: { bookingId: string; ownerId: string; date: string; end: string; timeZone: string },
) {
  try {
    const result = await managers.get(managers.idFromName(booking.bookingId)).schedule({
      bookingId: booking.bookingId,
      ownerId: booking.ownerId,
      endsAt: zonedToEpoch(booking.date, booking.end, booking.timeZone),
    });
    if (!result.ok) console.error("[effects] could not schedule the end of", booking.bookingId, result.error.message);
  } catch (error) {
    console.error("[effects] could not schedule the end of", booking.bookingId, error);
  }
}
