import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../lib/db/schema";
import type { BookingSummary, ChatMessage } from "../lib/schemas";
import type { AssistantEffect, EffectOutcome } from "../lib/tutoring/assistant";
import { zonedToEpoch } from "../lib/tutoring/clock";
import type { MessageQueue } from "../durable-objects/message-queue";
import type { SessionManager } from "../durable-objects/session-manager";

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
  },
): Promise<EffectOutcome> {
  const orm = drizzle(context.db, { schema });
  const now = context.now.getTime();
  try {
    switch (effect.type) {
      case "create_booking": {
        const id = `bk-${crypto.randomUUID()}`;
        await orm.insert(schema.bookings).values({
          id,
          sessionId: context.sessionId,
          ownerId: context.ownerId,
          ...effect.booking,
          status: "confirmed",
          createdAt: now,
          updatedAt: now,
        });
        await scheduleEnd(context.sessionManagers, { bookingId: id, ownerId: context.ownerId, date: effect.booking.date, end: effect.booking.end });
        return { ok: true, bookingId: id };
      }
      case "cancel_booking": {
        const cancelled = await orm
          .update(schema.bookings)
          .set({ status: "cancelled", updatedAt: now })
          .where(
            and(
              eq(schema.bookings.id, effect.bookingId),
              eq(schema.bookings.ownerId, context.ownerId),
              eq(schema.bookings.status, "confirmed"),
            ),
          )
          .returning({ id: schema.bookings.id });
        if (cancelled.length === 0) return { ok: false, reason: "not_found" };
        // No room to close for a session that will not happen: drop its alarm and retries.
        await context.sessionManagers.get(context.sessionManagers.idFromName(effect.bookingId)).cancel();
        return { ok: true, bookingId: effect.bookingId };
      }
      case "leave_message": {
        // The record with the transcript for staff, then the hand-off itself: a queued item that staff
        // or a bot claims and answers in this chat. Only a queued hand-off counts as sent.
        await orm.insert(schema.staffMessages).values({
          id: `sm-${crypto.randomUUID()}`,
          sessionId: context.sessionId,
          ownerId: context.ownerId,
          note: effect.note,
          transcript: JSON.stringify(context.transcript.slice(-30).map(({ role, content }) => ({ role, content }))),
          createdAt: now,
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

/** The owner's bookings, newest first (index bookings_by_owner). */
export async function listBookings(db: D1Database, ownerId: string): Promise<BookingSummary[]> {
  const orm = drizzle(db, { schema });
  return orm
    .select({
      id: schema.bookings.id,
      sessionId: schema.bookings.sessionId,
      tutorId: schema.bookings.tutorId,
      tutorName: schema.tutors.name,
      date: schema.bookings.date,
      start: schema.bookings.start,
      end: schema.bookings.end,
      mode: schema.bookings.mode,
      status: schema.bookings.status,
      createdAt: schema.bookings.createdAt,
    })
    .from(schema.bookings)
    .innerJoin(schema.tutors, eq(schema.tutors.id, schema.bookings.tutorId))
    .where(eq(schema.bookings.ownerId, ownerId))
    .orderBy(desc(schema.bookings.createdAt))
    .limit(100);
}

/**
 * Asks the booking's SessionManager to end the session on time. A failure is
 * logged, not fatal: the booking stands, and staff can see it was not scheduled.
 */
async function scheduleEnd(
  managers: DurableObjectNamespace<SessionManager>,
  booking: { bookingId: string; ownerId: string; date: string; end: string },
) {
  try {
    const result = await managers.get(managers.idFromName(booking.bookingId)).schedule({
      bookingId: booking.bookingId,
      ownerId: booking.ownerId,
      endsAt: zonedToEpoch(booking.date, booking.end),
    });
    if (!result.ok) console.error("[effects] could not schedule the end of", booking.bookingId, result.error.message);
  } catch (error) {
    console.error("[effects] could not schedule the end of", booking.bookingId, error);
  }
}
