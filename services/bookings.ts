import { centerOfOwner } from "../lib/center/ids";
import type { CenterPolicy } from "../lib/center/policy";
import type { AnalyticsEvent } from "../lib/analytics/events";
import type { MailQueued } from "../lib/mail/outbox";
import { bookingCancelledNotice, bookingConfirmedNotice, bookingMovedNotice } from "../lib/notifications/messages";
import type { BookingRequest } from "../lib/tutoring/turn-types";
import type { Language } from "../lib/tutoring/schemas";
import type { EffectOutcome } from "../lib/tutoring/assistant";
import { weekdayOf, zonedToEpoch } from "../lib/calendar";
import { storedContactProblem } from "../lib/tutoring/parse-contact";
import { recordAnalytics, type WaitUntil } from "./analytics";
import { recordClaim } from "./db/accounts";
import { recipientAddress } from "../lib/mail/recipients";
import { cancelConfirmedBooking, findBookingOwner, insertOfferedBooking, whyBookingRefused } from "./db/bookings";
import { moveConfirmedBooking } from "./db/reschedule";
import { cancelByStaff } from "./db/schedule";
import { movedEvent, queueBookingMail, studentWithheld, withStudentWithheld, type MailEnv } from "./mail";
import { askToConfirm, type LinkMailEnv } from "./accounts";
import { moveInMemory, settleBooking } from "./memory";
import { notifyStudent } from "./notify";
import { chatSession, sessionManager, waitlistFor } from "./objects";
import { offerFreedSlot } from "./waitlist";

/**
 * A booking's life: made, moved, cancelled. Each action is written once in D1 (one statement whose
 * WHERE and constraints decide it) and then has every effect it has decided HERE, whoever asked:
 * the chat, My bookings or the staff schedule. So no caller can skip the bell, the email, the
 * waitlist, the memory or the count.
 *
 * | action | D1 | then, in order |
 * |--------|----|----------------|
 * | create | INSERT (unique slot index) | waitlist told (from an offer), session end scheduled, email, bell, count |
 * | move   | one conditional UPDATE     | freed hour offered to its waitlist, memory, session end moved, email, bell, count, the chat that made it (from a link) |
 * | cancel | read + conditional UPDATE  | session end dropped, waitlist, memory, count, email, bell, the chat that made it |
 *
 * A step after the write that fails is logged and the others still happen: the booking (or its
 * cancel) stands either way, and nothing may be promised that did not happen (the answer carries
 * the email's real outcome).
 */

export type BookingEnv = Pick<Env, "DB" | "CHAT_SESSION" | "SESSION_MANAGER" | "WAITLIST" | "STUDENT_MEMORY" | "NOTIFICATIONS" | "ANALYTICS"> & MailEnv & LinkMailEnv;

/** Where an action's counts go: a chat turn hands its own list (counted with the turn's, in one call); otherwise they are sent now. */
export type CountInto = AnalyticsEvent[] | undefined;

/** `ownerId`: the booking's owner, whose center counts it. */
function count(env: BookingEnv, ownerId: string, into: CountInto, events: AnalyticsEvent[], now: number, waitUntil?: WaitUntil): void {
  if (events.length === 0) return;
  if (into) into.push(...events);
  else recordAnalytics(env, centerOfOwner(ownerId), events, waitUntil, now);
}

/** Who cancels: the student who owns the booking, or the center (staff of `center`: another center's booking is not found), with the reason the student is told. */
export type Canceller = { by: "student"; ownerId: string } | { by: "center"; center: string; reason: string };

export type Cancelled = {
  ok: true;
  bookingId: string;
  ownerId: string;
  sessionId: string;
  slot: { tutorId: string; date: string; start: string };
  /** A student's cancel inside the center's cutoff (a center's cancel is never late for the student). */
  late: { cutoffHours: number } | null;
  /** The center's cutoff the student's cancel was measured against (none for the center's own cancel). */
  cutoffHours?: number;
  /** The email's real outcome (null: none queued). */
  mail: MailQueued | null;
  /** The chat that made the booking took the news (false: in the trash or out of reach; the cancel stands). */
  chatTold: boolean;
};

export type CancelRefused = { ok: false; reason: "not_found" } | { ok: false; reason: "started"; slot: { date: string; start: string } };

/**
 * The one cancel. `tellChat`: the chat that made the booking is told (My bookings and staff); a chat
 * cancelling in its own turn answers for itself. D1: 1 read + 1 conditional UPDATE (1 row written).
 * Then 1 SessionManager call, 1 Waitlist call and 1 StudentMemory call (not awaited), 1 MailOutbox call,
 * 1 Notifications call, the count (1 Analytics call unless a chat turn carries it) and 1 ChatSession call when told.
 */
export async function cancelBooking(
  env: BookingEnv,
  input: { bookingId: string; who: Canceller; now: number; tellChat: boolean; countInto?: CountInto; waitUntil?: WaitUntil },
): Promise<Cancelled | CancelRefused> {
  const { bookingId, who, now, waitUntil } = input;
  const written = await writeCancel(env.DB, bookingId, who, now);
  if (!written.ok) return written;
  const { ownerId, sessionId, slot, late, cutoffHours, language } = written;
  try {
    await sessionManager(env, bookingId).cancel();
  } catch (error) {
    // The booking is cancelled; a lingering alarm only finds it not confirmed and closes an unused room.
    console.error("[bookings] could not drop the session's end for", bookingId, error);
  }
  // The student gave the slot up: never offered it back. The center's cancel offers it to anyone else in line too.
  offerFreedSlot(env, slot, { cancelledBy: ownerId, now, waitUntil });
  // A center's cancel is not the student's change of mind: the memory keeps offering that hour "again".
  settleBooking(env, ownerId, { bookingId, outcome: "cancelled", cancelledBy: who.by }, now, waitUntil);
  count(env, ownerId, input.countInto, [{ type: "booking_cancelled" }, ...(late ? [{ type: "booking_late_cancelled" } as const] : [])], now, waitUntil);
  const mail = await queueBookingMail(env, bookingId, "cancelled");
  const reason = who.by === "center" ? who.reason : undefined;
  await notifyStudent(env, ownerId, bookingCancelledNotice({ bookingId, date: slot.date, start: slot.start, by: who.by === "center" ? "center" : "you", language, ...(reason ? { reason } : {}) }));
  const chatTold = input.tellChat ? await tellChat(env, written, bookingId, who, now) : false;
  return { ok: true, bookingId, ownerId, sessionId, slot: { tutorId: slot.tutorId, date: slot.date, start: slot.start }, late, ...(cutoffHours === undefined ? {} : { cutoffHours }), mail, chatTold };
}

type Written = {
  ok: true;
  ownerId: string;
  sessionId: string;
  slot: { tutorId: string; date: string; start: string; end?: string; tutorName?: string };
  late: { cutoffHours: number } | null;
  cutoffHours?: number;
  /** the booking's: the bell says the cancel in it */
  language: Language;
};

async function writeCancel(db: D1Database, bookingId: string, who: Canceller, now: number): Promise<Written | CancelRefused> {
  if (who.by === "student") {
    const cancelled = await cancelConfirmedBooking(db, { bookingId, ownerId: who.ownerId, now });
    if (!cancelled.ok) return cancelled;
    return { ok: true, ownerId: who.ownerId, sessionId: cancelled.sessionId, slot: cancelled.slot, late: cancelled.lateCancel ? { cutoffHours: cancelled.cutoffHours } : null, cutoffHours: cancelled.cutoffHours, language: cancelled.language };
  }
  const outcome = await cancelByStaff(db, { center: who.center, bookingId, reason: who.reason, now });
  if (!outcome.ok) return outcome;
  const { ownerId, sessionId, language, ...slot } = outcome.cancelled;
  return { ok: true, ownerId, sessionId, slot, late: null, language };
}

/** The chat that made the booking shows the cancel live. A chat in the trash or out of reach is not told; the cancel stands. */
async function tellChat(env: BookingEnv, written: Written, bookingId: string, who: Canceller, now: number): Promise<boolean> {
  const chat = chatSession(env, written.sessionId);
  try {
    if (who.by === "student") return (await chat.bookingCancelled(written.ownerId, bookingId, now, written.late?.cutoffHours)).ok;
    const { date, start, end = start, tutorName = "your tutor" } = written.slot;
    return (await chat.centerCancelled(written.ownerId, { bookingId, tutorName, slot: { day: weekdayOf(date), date, start, end } }, who.reason, now)).ok;
  } catch {
    return false;
  }
}

/**
 * The one create: a booking the assistant offered, confirmed by the student. `id` is stable per
 * (chat, message), so a retried message finds its own booking instead of booking twice, and queues
 * no second email nor bell notification (both keyed by booking and event).
 */
export async function createBooking(
  env: BookingEnv,
  input: {
    id: string; sessionId: string; ownerId: string; booking: BookingRequest & { fromWaitlist?: boolean }; now: number; policy: CenterPolicy; countInto?: CountInto;
    /** the chat's language: kept on the booking, so its emails and notices are said in it (English when absent) */
    language?: Language;
  },
): Promise<EffectOutcome & { mail?: MailQueued | null }> {
  const { id, sessionId, ownerId, booking, now, policy, language } = input;
  // The name and email go into emails and invites: the contact step's rules again, whatever state the form was saved in.
  const contact = storedContactProblem(booking.studentName, booking.studentEmail);
  if (contact) return { ok: false, reason: "contact", field: contact };
  const timeZone = policy.timeZone;
  let reference = await insertOfferedBooking(env.DB, { id, sessionId, ownerId, ...booking, now, timeZone, ...(language ? { language } : {}) });
  const booked = reference !== null;
  if (!booked) {
    const existing = await findBookingOwner(env.DB, { id });
    if (!existing) return whyBookingRefused(env.DB, { ...booking, ownerId, now }, policy, language);
    if (existing.ownerId !== ownerId || existing.sessionId !== sessionId) return { ok: false, reason: "error" };
    reference = existing.reference;
  }
  if (booked) count(env, ownerId, input.countInto, [{ type: "booking_made" }], now);
  // Signing in with that address later brings this booking along (services/accounts.ts).
  if (booked) await recordClaim(env.DB, { address: recipientAddress(booking.studentEmail), ownerId, now });
  if (booked && booking.fromWaitlist) await tellWaitlistBooked(env, booking, ownerId, id);
  await scheduleEnd(env, { bookingId: id, ownerId, date: booking.date, end: booking.end, timeZone });
  const queued = await queueBookingMail(env, id, "confirmed");
  // The invite is held until the student confirms the address: one email asks them to (services/accounts.ts);
  // when even that cannot go (stopped, today's most), the chat says that instead.
  const unconfirmed = studentWithheld(queued)?.reason === "unconfirmed";
  const mail = unconfirmed ? withStudentWithheld(queued, await askToConfirm(env, { center: centerOfOwner(ownerId), email: booking.studentEmail, now })) : queued;
  await notifyStudent(env, ownerId, bookingConfirmedNotice({ bookingId: id, ...booking, language }));
  return { ok: true, bookingId: id, ...(reference ? { reference } : {}), mail };
}

/**
 * The one move: the new slot is taken in the write that frees the old one (services/db/reschedule.ts).
 * `tellChat`: the chat that made the booking says so live (the link in an email); a chat moving it in
 * its own turn answers for itself.
 */
export async function moveBooking(
  env: BookingEnv,
  input: { bookingId: string; ownerId: string; to: { tutorId: string; tutorName: string; date: string; start: string; end: string }; now: number; policy: CenterPolicy; countInto?: CountInto; tellChat?: boolean; waitUntil?: WaitUntil; language?: Language },
): Promise<EffectOutcome & { mail?: MailQueued | null }> {
  const { bookingId, ownerId, to, now, policy, language } = input;
  const moved = await moveConfirmedBooking(env.DB, { bookingId, ownerId, to, now }, policy, language);
  if (!moved.ok) return moved;
  if (!moved.already) {
    count(env, ownerId, input.countInto, [{ type: "booking_moved" }], now, input.waitUntil);
    // The hour it left is free now: its waitlist offers it to the first in line (not awaited).
    offerFreedSlot(env, moved.from, { cancelledBy: ownerId, now, waitUntil: input.waitUntil });
    // The memory's weekly hour and tutor become the new ones, so the next chat offers these "again" (not awaited).
    moveInMemory(env, ownerId, { bookingId, to: { tutorId: to.tutorId, tutorName: to.tutorName, day: weekdayOf(to.date), start: to.start } }, now, input.waitUntil);
  }
  // The same SessionManager (named by the booking id) moves its alarm to the new end.
  await scheduleEnd(env, { bookingId, ownerId, date: to.date, end: to.end, timeZone: policy.timeZone });
  // Once per move (the event names the new slot): a retried move finds it, and no second email goes out.
  const mail = await queueBookingMail(env, bookingId, movedEvent(to));
  if (!moved.already) await notifyStudent(env, ownerId, bookingMovedNotice({ bookingId, ...to, from: moved.from, movedAt: now, language: moved.language }));
  // Said once per new slot (keyed by it), so a retry that finds the move done tells the chat again harmlessly.
  if (input.tellChat) await tellChatMoved(env, { ownerId, sessionId: moved.sessionId, bookingId, to, from: moved.from }, now);
  return { ok: true, bookingId, mail };
}

/** The chat that made the booking shows the move live. A chat in the trash or out of reach is not told; the move stands. */
async function tellChatMoved(
  env: BookingEnv,
  move: { ownerId: string; sessionId: string; bookingId: string; to: { tutorId: string; tutorName: string; date: string; start: string; end: string }; from: { date: string; start: string; end: string } },
  now: number,
): Promise<void> {
  const { to, from } = move;
  try {
    const told = await chatSession(env, move.sessionId).bookingMoved(
      move.ownerId,
      { bookingId: move.bookingId, tutorId: to.tutorId, tutorName: to.tutorName, slot: { day: weekdayOf(to.date), date: to.date, start: to.start, end: to.end }, from: { day: weekdayOf(from.date), date: from.date, start: from.start, end: from.end } },
      now,
    );
    if (!told.ok) console.warn("[bookings] the chat did not take the move of", move.bookingId, told.error.message);
  } catch (error) {
    console.error("[bookings] the chat was not told of the move of", move.bookingId, error);
  }
}

/**
 * A booking made from a waitlist offer: the line is told, so the offer stops running and the
 * student leaves the line. A failure is logged, not fatal: the booking stands, and the offer's
 * alarm finds the slot booked and offers it to no one.
 */
async function tellWaitlistBooked(env: BookingEnv, booking: { tutorId: string; date: string; start: string }, ownerId: string, bookingId: string) {
  try {
    const told = await waitlistFor(env, booking).booked(ownerId, bookingId);
    if (!told.ok) console.warn("[bookings] waitlist refused the booking", bookingId, told.error.message);
  } catch (error) {
    console.error("[bookings] waitlist not told of", bookingId, error);
  }
}

/** Asks the booking's SessionManager to end the session on time. A failure is logged, not fatal: the booking stands. */
async function scheduleEnd(env: BookingEnv, booking: { bookingId: string; ownerId: string; date: string; end: string; timeZone: string }) {
  try {
    const result = await sessionManager(env, booking.bookingId).schedule({
      bookingId: booking.bookingId,
      ownerId: booking.ownerId,
      endsAt: zonedToEpoch(booking.date, booking.end, booking.timeZone),
    });
    if (!result.ok) console.error("[bookings] could not schedule the end of", booking.bookingId, result.error.message);
  } catch (error) {
    console.error("[bookings] could not schedule the end of", booking.bookingId, error);
  }
}
