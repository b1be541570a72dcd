import type { CenterPolicy } from "../lib/center/policy";
import type { ChatMessage } from "../lib/schemas";
import type { AnalyticsEvent } from "../lib/analytics/events";
import type { WaitUntil } from "./analytics";
import type { AssistantEffect, EffectOutcome } from "../lib/tutoring/assistant";
import { weekdayOf, zonedToEpoch } from "../lib/tutoring/clock";
import { storedContactProblem } from "../lib/tutoring/parse-contact";
import { cancelConfirmedBooking, findBookingOwner, insertOfferedBooking, whyBookingRefused, type StudentCancel } from "./db/bookings";
import { recordStaffMessage } from "./db/chats";
import { recordWaitlistJoin } from "./db/forget-me";
import { moveConfirmedBooking } from "./db/reschedule";
import type { MessageQueue } from "../durable-objects/message-queue";
import type { SessionManager } from "../durable-objects/session-manager";
import { movedEvent, queueBookingMail, studentEmailOutcome, type MailEnv } from "./mail";
import type { Waitlist } from "../durable-objects/waitlist";
import { offerFreedSlot, waitlistFor } from "./waitlist";
import { notifyStudent, type NotifyEnv } from "./notify";
import { moveInMemory, settleBooking, type MemoryEnv } from "./memory";
import { bookingCancelledNotice, bookingConfirmedNotice, bookingMovedNotice } from "../lib/notifications/messages";
import type { LimiterRule } from "../lib/rate-limits";
import { takeLimits, type LimiterEnv } from "./limits";

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
    /** The slots' waitlists (a cancel offers the slot to the first in line); without them none is joined or told. */
    waitlists?: DurableObjectNamespace<Waitlist>;
    /** The student's bell (the Notifications object); without it nothing is added. */
    notify?: Partial<NotifyEnv>;
    /** The student's memory (a cancel or a move changes what it offers "again"); without it nothing is sent. */
    memory?: MemoryEnv;
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
        // The name and email go into emails and invites: the contact step's rules again, whatever state the form was saved in.
        const contact = storedContactProblem(effect.booking.studentName, effect.booking.studentEmail);
        if (contact) return { ok: false, reason: "contact", field: contact };
        // One id per (chat, message): a retried message finds its own booking instead of booking twice.
        const id = await bookingIdFor(context.sessionId, context.messageId);
        const timeZone = context.policy.timeZone;
        let reference = await insertOfferedBooking(context.db, { id, sessionId: context.sessionId, ownerId: context.ownerId, ...effect.booking, now, timeZone });
        const booked = reference !== null;
        if (!booked) {
          const existing = await findBookingOwner(context.db, { id });
          if (!existing) return whyBookingRefused(context.db, { ...effect.booking, ownerId: context.ownerId, now }, context.policy);
          if (existing.ownerId !== context.ownerId || existing.sessionId !== context.sessionId) return { ok: false, reason: "error" };
          reference = existing.reference;
        }
        if (booked) context.events?.push({ type: "booking_made" });
        if (booked && effect.booking.fromWaitlist && context.waitlists) await tellWaitlistBooked(context.waitlists, effect.booking, context.ownerId, id);
        await scheduleEnd(context.sessionManagers, { bookingId: id, ownerId: context.ownerId, date: effect.booking.date, end: effect.booking.end, timeZone });
        // A retried message finds the outbox's record of this event: the same answer, no second email.
        const email = studentEmailOutcome(await queueBookingMail(context.mail, id, "confirmed"));
        // Keyed by booking and event: the retried message adds no second notification.
        await notifyStudent(context.notify, context.ownerId, bookingConfirmedNotice({ bookingId: id, ...effect.booking }));
        return { ok: true, bookingId: id, ...(reference ? { reference } : {}), ...email };
      }
      case "cancel_booking": {
        const cancelled = await cancelBooking({
          db: context.db, sessionManagers: context.sessionManagers, waitlists: context.waitlists, memory: context.memory, bookingId: effect.bookingId, ownerId: context.ownerId, now,
        });
        if (!cancelled.ok) return cancelled.reason === "started" ? { ok: false, reason: "started", slot: cancelled.slot } : { ok: false, reason: "not_found" };
        const email = studentEmailOutcome(await queueBookingMail(context.mail, effect.bookingId, "cancelled"));
        await notifyStudent(context.notify, context.ownerId, bookingCancelledNotice({ bookingId: effect.bookingId, date: cancelled.slot.date, start: cancelled.slot.start, by: "you" }));
        context.events?.push({ type: "booking_cancelled" }, ...(cancelled.lateCancel ? [{ type: "booking_late_cancelled" } as const] : []));
        return {
          ok: true,
          bookingId: effect.bookingId,
          ...(cancelled.lateCancel ? { lateCancel: { cutoffHours: cancelled.cutoffHours } } : {}),
          ...email,
        };
      }
      case "move_booking": {
        // One conditional UPDATE: the new slot is taken in the write that frees the old one (workers/db/reschedule.ts).
        const moved = await moveConfirmedBooking(context.db, { bookingId: effect.bookingId, ownerId: context.ownerId, to: effect.to, now }, context.policy);
        if (!moved.ok) return moved;
        if (!moved.already) context.events?.push({ type: "booking_moved" });
        // The hour it left is free now: its waitlist offers it to the first in line (not awaited).
        if (!moved.already && context.waitlists) offerFreedSlot({ WAITLIST: context.waitlists }, moved.from, { cancelledBy: context.ownerId, now });
        // The memory's weekly hour and tutor become the new ones, so the next chat offers these "again" (not awaited).
        if (!moved.already) {
          const { tutorId, tutorName, date, start } = effect.to;
          moveInMemory(context.memory, context.ownerId, { bookingId: effect.bookingId, to: { tutorId, tutorName, day: weekdayOf(date), start } }, now);
        }
        const timeZone = context.policy.timeZone;
        // The same SessionManager (named by the booking id) moves its alarm to the new end.
        await scheduleEnd(context.sessionManagers, { bookingId: effect.bookingId, ownerId: context.ownerId, date: effect.to.date, end: effect.to.end, timeZone });
        // Once per move (the event names the new slot): a retried effect finds it, and no second email goes out.
        const email = studentEmailOutcome(await queueBookingMail(context.mail, effect.bookingId, movedEvent(effect.to)));
        if (!moved.already) {
          await notifyStudent(context.notify, context.ownerId, bookingMovedNotice({ bookingId: effect.bookingId, ...effect.to, from: moved.from, movedAt: now }));
        }
        return { ok: true, bookingId: effect.bookingId, ...email };
      }
      case "join_waitlist": {
        if (!context.waitlists) return { ok: false, reason: "error" };
        // The owner's index of lines (for Forget me) first: an entry is never in a line without it.
        await recordWaitlistJoin(context.db, { ownerId: context.ownerId, tutorId: effect.wanted.tutorId, date: effect.wanted.slot.date, start: effect.wanted.slot.start });
        const joined = await waitlistFor(context.waitlists, { tutorId: effect.wanted.tutorId, ...effect.wanted.slot }).join(
          { ownerId: context.ownerId, chatId: context.sessionId, wanted: effect.wanted, subject: effect.subject },
          now,
        );
        if (!joined.ok) return { ok: false, reason: "error" };
        return { ok: true, position: joined.value.position };
      }
      case "leave_waitlist": {
        if (!context.waitlists) return { ok: false, reason: "error" };
        const left = await waitlistFor(context.waitlists, { tutorId: effect.tutorId, ...effect.slot }).leave(context.ownerId, now);
        if (!left.ok) return { ok: false, reason: "error" };
        return { ok: true, left: left.value.left };
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

/**
 * The student cancels one of their confirmed bookings, from a chat or My bookings (one conditional
 * UPDATE: another owner's booking, or one already cancelled or ended, is "not found"; a session
 * already started is refused), and drops its SessionManager's alarm: no room to close for a
 * session that will not happen. The freed slot goes to its waitlist and the student's memory stops
 * offering it "again" (both not awaited).
 */
export async function cancelBooking(input: {
  db: D1Database;
  sessionManagers: DurableObjectNamespace<SessionManager>;
  /** The freed slot is offered to its waitlist's first in line, without holding up the answer. */
  waitlists: DurableObjectNamespace<Waitlist> | undefined;
  /** The student's memory: the tutor fact that remembers this booking is marked cancelled by the student. */
  memory: MemoryEnv | undefined;
  waitUntil?: WaitUntil;
  bookingId: string;
  ownerId: string;
  now: number;
}): Promise<StudentCancel> {
  const cancelled = await cancelConfirmedBooking(input.db, input);
  if (!cancelled.ok) return cancelled;
  await input.sessionManagers.get(input.sessionManagers.idFromName(input.bookingId)).cancel();
  if (input.waitlists) offerFreedSlot({ WAITLIST: input.waitlists }, cancelled.slot, { cancelledBy: input.ownerId, now: input.now, waitUntil: input.waitUntil });
  settleBooking(input.memory, input.ownerId, { bookingId: input.bookingId, outcome: "cancelled", cancelledBy: "student" }, input.now, input.waitUntil);
  return cancelled;
}

/**
 * A booking made from a waitlist offer: the line is told, so the offer stops
 * running and the student leaves the line. A failure is logged, not fatal: the
 * booking stands, and the offer's alarm finds the slot booked and offers it to no one.
 */
async function tellWaitlistBooked(waitlists: DurableObjectNamespace<Waitlist>, booking: { tutorId: string; date: string; start: string }, ownerId: string, bookingId: string) {
  try {
    const told = await waitlistFor(waitlists, booking).booked(ownerId, bookingId);
    if (!told.ok) console.warn("[effects] waitlist refused the booking", bookingId, told.error.message);
  } catch (error) {
    console.error("[effects] waitlist not told of", bookingId, error);
  }
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
