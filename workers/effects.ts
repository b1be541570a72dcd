import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../lib/db/schema";
import type { BookingSummary, ChatMessage } from "../lib/schemas";
import type { AssistantEffect, EffectOutcome } from "../lib/tutoring/assistant";
import { LIMITS } from "../lib/rate-limits";
import { localNow, weekdayOf, zonedToEpoch } from "../lib/tutoring/clock";
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
        // One id per (chat, message): a retried message finds its own booking instead of booking twice.
        const id = await bookingIdFor(context.sessionId, context.messageId);
        const booked = await insertOfferedBooking(context.db, { id, sessionId: context.sessionId, ownerId: context.ownerId, ...effect.booking, now });
        if (!booked) {
          const existing = await orm
            .select({ ownerId: schema.bookings.ownerId, sessionId: schema.bookings.sessionId })
            .from(schema.bookings)
            .where(eq(schema.bookings.id, id))
            .get();
          if (!existing) return { ok: false, reason: await whyRefused(context.db, { ...effect.booking, ownerId: context.ownerId, now }) };
          if (existing.ownerId !== context.ownerId || existing.sessionId !== context.sessionId) return { ok: false, reason: "error" };
        }
        await scheduleEnd(context.sessionManagers, { bookingId: id, ownerId: context.ownerId, date: effect.booking.date, end: effect.booking.end });
        return { ok: true, bookingId: id };
      }
      case "cancel_booking": {
        const cancelled = await cancelBooking({ db: context.db, sessionManagers: context.sessionManagers, bookingId: effect.bookingId, ownerId: context.ownerId, now });
        return cancelled ? { ok: true, bookingId: effect.bookingId } : { ok: false, reason: "not_found" };
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

/**
 * Inserts a confirmed booking only if the center offers it, decided by D1 in
 * the same statement (SQLite runs one write at a time, so nothing can slip in
 * between the checks and the insert): the tutor teaches in that mode, the
 * slot lies inside one of the tutor's hours on that weekday, it overlaps no
 * confirmed booking of the tutor that day, and the student (by owner or by
 * email) holds fewer than LIMITS.activeBookings sessions still to come.
 * Whatever the client sent, only what the center offers gets booked, and no
 * one script empties the calendar. False when refused or already booked.
 */
async function insertOfferedBooking(
  db: D1Database,
  booking: { id: string; sessionId: string; ownerId: string; tutorId: string; date: string; start: string; end: string; studentName: string; studentEmail: string; mode: "online" | "in_person"; intake: string; now: number },
): Promise<boolean> {
  if (!isCalendarDate(booking.date) || booking.start >= booking.end) return false;
  const row = await db
    .prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
       SELECT ?1, ?2, ?3, t.id, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'confirmed', ?12, ?12
       FROM tutors t
       WHERE t.id = ?4
         AND (t.mode = 'both' OR t.mode = ?10)
         AND EXISTS (SELECT 1 FROM tutor_availability a WHERE a.tutor_id = t.id AND a.day = ?13 AND a.start <= ?6 AND a."end" >= ?7)
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.tutor_id = t.id AND b.date = ?5 AND b.status = 'confirmed' AND b.start < ?7 AND b."end" > ?6)
         AND (SELECT COUNT(*) FROM bookings u WHERE u.status = 'confirmed' AND u.date >= ?14 AND (u.owner_id = ?3 OR u.student_email = ?9)) < ?15
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
    )
    .bind(
      booking.id, booking.sessionId, booking.ownerId, booking.tutorId, booking.date, booking.start, booking.end,
      booking.studentName, booking.studentEmail, booking.mode, booking.intake, booking.now, weekdayOf(booking.date),
      localNow(new Date(booking.now)).date, LIMITS.activeBookings.limit,
    )
    .first<{ id: string }>();
  return row !== null;
}

/** Why a booking was refused (read only after a refusal): the student's limit, a taken slot, or not offered. */
async function whyRefused(
  db: D1Database,
  booking: { tutorId: string; date: string; start: string; end: string; ownerId: string; studentEmail: string; now: number },
): Promise<"limit" | "slot_taken" | "unavailable"> {
  const row = await db
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM bookings WHERE status = 'confirmed' AND date >= ? AND (owner_id = ? OR student_email = ?)) AS active,
         EXISTS (SELECT 1 FROM bookings WHERE tutor_id = ? AND date = ? AND status = 'confirmed' AND start < ? AND "end" > ?) AS taken`,
    )
    .bind(localNow(new Date(booking.now)).date, booking.ownerId, booking.studentEmail, booking.tutorId, booking.date, booking.end, booking.start)
    .first<{ active: number; taken: number }>();
  if (row && row.active >= LIMITS.activeBookings.limit) return "limit";
  return row?.taken ? "slot_taken" : "unavailable";
}

function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
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
 * Returns the chat it was booked from, or null.
 */
export async function cancelBooking(input: {
  db: D1Database;
  sessionManagers: DurableObjectNamespace<SessionManager>;
  bookingId: string;
  ownerId: string;
  now: number;
}): Promise<{ sessionId: string } | null> {
  const [cancelled] = await drizzle(input.db, { schema })
    .update(schema.bookings)
    .set({ status: "cancelled", updatedAt: input.now })
    .where(and(eq(schema.bookings.id, input.bookingId), eq(schema.bookings.ownerId, input.ownerId), eq(schema.bookings.status, "confirmed")))
    .returning({ sessionId: schema.bookings.sessionId });
  if (!cancelled) return null;
  await input.sessionManagers.get(input.sessionManagers.idFromName(input.bookingId)).cancel();
  return cancelled;
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
