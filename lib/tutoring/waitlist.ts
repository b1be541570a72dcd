import { z } from "../zod";
import { OwnerId, SessionId } from "../schemas";
import { EN } from "./phrases/en";
import type { Phrases } from "./phrases/types";
import { SESSION_MINUTES } from "./match";
import { toClock, toMinutes, weekdayOf } from "../calendar";
import { ClockTime, Language, WaitForSlot, type BookingInfo, type SearchCriteria, type SessionSlot, type Tutor } from "./schemas";
import type { BookedSlot } from "./turn-types";

/**
 * A waitlist's wire shapes and words, shared by the Waitlist object
 * (durable-objects/waitlist.ts), the effects that call it and the tests.
 * One line per slot: the object is named by `waitlistName`.
 */

/** How long the first in line has to book a freed slot before it is offered to the next. */
export const OFFER_MINUTES = 30;
export const OFFER_MS = OFFER_MINUTES * 60_000;

/** The slot a line is for: the key of the partial unique index on confirmed bookings. */
export const WaitlistSlotKey = z.object({
  tutorId: z.string().min(1).max(64),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: ClockTime,
});
export type WaitlistSlotKey = z.infer<typeof WaitlistSlotKey>;

/** The RPC argument of `Waitlist.join`: who waits, the chat that hears of an offer, and the form's details. */
export const WaitlistJoin = z.object({
  ownerId: OwnerId,
  chatId: SessionId,
  wanted: WaitForSlot,
  subject: z.string().max(80),
  /** The chat's language: the offer and its end are said in it (English when absent). */
  language: Language.optional(),
});
export type WaitlistJoin = z.infer<typeof WaitlistJoin>;

/** The Waitlist object's name for a slot; the same slot always reaches the same line. */
export function waitlistName(slot: WaitlistSlotKey): string {
  return `${slot.tutorId}:${slot.date}:${slot.start}`;
}

/** The offer as the student's chat shows it: a message and the booking form it opens. */
export function offerNotice(wanted: WaitForSlot, say: Phrases = EN): { content: string; quickReplies: string[]; bookingInfo: BookingInfo } {
  const { tutorId, tutorName, slot, studentName, studentEmail, mode, intake } = wanted;
  const known = studentName && studentEmail && mode && intake;
  // With the form's details from when the slot was taken, "Book it" books; without them, the form asks.
  const bookingInfo: BookingInfo = known
    ? { step: "review", tutorId, tutorName, slot, studentName, studentEmail, mode, intake, fromWaitlist: true }
    : { step: "confirm_slot", tutorId, tutorName, slot, fromWaitlist: true };
  return { content: say.waitlistOffer(tutorName, slot, OFFER_MINUTES), quickReplies: [say.quick.bookIt, say.quick.leaveWaitlist], bookingInfo };
}

/** The offer ran out unanswered: the slot went to the next in line. */
export function offerExpiredText(booking: { tutorName: string; slot: SessionSlot }, say: Phrases = EN): string {
  return say.waitlistOfferEnded(booking);
}

/** Whether the chat's booking form still shows a waitlist offer of `slot` (not yet booked). */
export function showsOffer(info: BookingInfo | null, slot: WaitlistSlotKey): boolean {
  return info?.fromWaitlist === true && (info.step === "confirm_slot" || info.step === "contact" || info.step === "details" || info.step === "review") &&
    info.tutorId === slot.tutorId && info.slot.date === slot.date && info.slot.start === slot.start;
}

/**
 * The exact hour the student asked for, booked with one of the tutors the search found, when no
 * tutor is free at that hour: the slot whose waitlist the search offers. The form's details are
 * not known yet, so an offer of it goes through the normal form.
 */
export function takenAtRequest(
  criteria: SearchCriteria,
  found: { tutors: readonly Tutor[]; booked: readonly BookedSlot[]; shown: readonly { slot: SessionSlot }[] },
): WaitForSlot | undefined {
  const { date, timeFrom: start } = criteria;
  if (!date || !start || criteria.timeTo !== start) return undefined;
  if (found.shown.some((match) => match.slot.date === date && match.slot.start === start)) return undefined;
  const taken = found.booked.find((slot) => slot.date === date && slot.start === start);
  const tutor = taken && found.tutors.find((one) => one.id === taken.tutorId);
  if (!tutor) return undefined;
  return { tutorId: tutor.id, tutorName: tutor.name, slot: { day: weekdayOf(date), date, start, end: toClock(toMinutes(start) + SESSION_MINUTES) } };
}

/** The search's word on a taken hour, before the nearest free match. */
export function takenAtRequestText(wanted: WaitForSlot, say: Phrases = EN): string {
  return say.takenAtRequest(wanted.tutorName, wanted.slot);
}
