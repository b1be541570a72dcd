import { DEFAULT_PERSONA, type Tone } from "../center/persona";
import { withheldText, type EmailWithheld } from "../mail/recipients";
import { startedCancelText, type SlotRule } from "../center/policy";
import { LIMITS } from "../rate-limits";
import type { SessionFields } from "../schemas";
import { weekdayOf } from "../calendar";
import { keepDraft } from "./handoff-flow";
import { matchKind } from "./match";
import { offerQuestion, tooLateToMove, withoutMove } from "./move-flow";
import { matchQuickReplies, phrasesIn, type Phrases } from "./phrases";
import { matchSentence } from "./phrasing";
import type { BookingInfo, TutorMatch, WaitForSlot } from "./schemas";
import { criteriaOf, turn } from "./turn-context";
import type { AssistantEffect, AssistantTurn } from "./turn-types";

/**
 * The follow-up turn once the caller has carried out an effect: a confirmed
 * booking, a slot someone else just took, a cancelled session, a message
 * passed to staff. Pure, like `respond`.
 */

/** Why a booking was not made: D1's answer, read after the INSERT refused (services/db/bookings.ts). */
export type BookingRefusal =
  /** `unavailable`: the center does not offer that slot (outside the tutor's hours, a mode they do not teach, or overlapping another booking). */
  | { ok: false; reason: "slot_taken" | "unavailable" | "limit" | "not_found" | "error" }
  /** A rule of the center's (lead time, horizon, closed date, opening hours), worded for the student. */
  | { ok: false; reason: "policy"; rule: SlotRule; explanation: string }
  /** The student already holds `cap` sessions in that week. */
  | { ok: false; reason: "weekly_cap"; cap: number }
  /** The form's name or email is not one the contact step takes (a saved form is re-checked when the booking is made). */
  | { ok: false; reason: "contact"; field: "name" | "email" };

/** Why a move was not made: a booking refusal about the new slot, or the ORIGINAL slot inside the center's cutoff. */
export type MoveRefusal = BookingRefusal | { ok: false; reason: "too_late"; cutoffHours: number };

export type EffectOutcome =
  /**
   * `lateCancel`: a cancel inside the center's cutoff; it happened, and counts as late.
   * `emailedTo`: the student's email about it is queued (durably, sent with retries); absent, none was.
   * `emailWithheld`: no email goes to the student's address, and why (its owner stopped them, or today's cap).
   * `position`: the student's place in a waitlist's line (1 is next); `left`: whether leaving found them on it.
   */
  | {
      ok: true;
      bookingId?: string;
      /** the booking's short reference ("K7MQ-2XPD"), what the student is told and reads out */
      reference?: string;
      meetingLink?: string;
      lateCancel?: { cutoffHours: number };
      emailedTo?: string;
      emailWithheld?: EmailWithheld;
      position?: number;
      left?: boolean;
    }
  | MoveRefusal
  /** A cancel of a session whose start has come (`hasStarted`): refused, nothing changed. */
  | { ok: false; reason: "started"; slot: { date: string; start: string } }
  /** Past a limit of the student's (lib/rate-limits.ts: cancels and moves, waitlist joins): nothing was done; `message` says why and when. */
  | { ok: false; reason: "rate_limited"; message: string };

/** What the chat says of the student's email: on its way only when queued, else why none will go, else nothing (email off). */
function emailNote(say: Phrases, outcome: { emailedTo?: string; emailWithheld?: EmailWithheld }, onItsWay: (address: string) => string): string {
  if (outcome.emailedTo) return ` ${onItsWay(outcome.emailedTo)}`;
  return outcome.emailWithheld ? ` ${withheldText(outcome.emailWithheld, say)}` : "";
}

function sameSlot(match: TutorMatch, booking: { tutorId: string; date: string; start: string }): boolean {
  return match.tutor.id === booking.tutorId && match.slot.date === booking.date && match.slot.start === booking.start;
}

/** The slot is gone: offer the next tutor from the last search, never the one that just filled (and, if it was taken, its waitlist). */
function offerAlternatives(
  say: Phrases,
  fields: SessionFields,
  booking: { tutorId: string; date: string; start: string },
  lead: string,
  waitFor?: WaitForSlot,
): AssistantTurn {
  const found = fields.searchCriteria ?? { excludeTutorIds: [] };
  // A slot just taken replaces the one kept before; otherwise the kept one stays (its line may hold the student).
  const criteria = waitFor ? { ...found, waitFor } : found;
  const wait = waitFor ? [say.quick.joinWaitlist] : [];
  const remaining = fields.availableTutors.filter((match) => !sameSlot(match, booking) && match.tutor.id !== booking.tutorId);
  const excludeTutorIds = [...new Set([...criteria.excludeTutorIds, booking.tutorId])];
  const next = remaining[0];
  const patch = { bookingInfo: null, searchCriteria: { ...criteria, excludeTutorIds }, availableTutors: remaining };
  if (!next) {
    return turn(say.noOtherTutor(lead), [...wait, say.quick.changeTime, say.quick.startOver, say.quick.leaveMessage], {
      ...patch,
      pendingMatch: null,
    });
  }
  const sentence = matchSentence({ match: next, kind: matchKind(next.score) }, criteria, true, undefined, say);
  return turn(`${lead} ${sentence}`, [...matchQuickReplies(say), ...wait], { ...patch, pendingMatch: next });
}

function bookingOutcome(say: Phrases, fields: SessionFields, effect: Extract<AssistantEffect, { type: "create_booking" }>, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  const info = fields.bookingInfo;
  const tutorName = info?.tutorName ?? "your tutor";
  if (outcome.ok) {
    if (!info) return turn(say.bookedNoForm, [say.quick.startOver]);
    const confirmed = {
      ...info,
      step: "confirmed" as const,
      ...(outcome.bookingId ? { bookingId: outcome.bookingId } : {}),
      ...(outcome.reference ? { reference: outcome.reference } : {}),
      ...(outcome.meetingLink ? { meetingLink: outcome.meetingLink } : {}),
    };
    const email = emailNote(say, outcome, (address) => say.emailOnItsWay("confirmation", address));
    const signOff = say.tone[tone ?? DEFAULT_PERSONA.tone].bookedSignOff;
    return turn(
      say.booked({ tutorName, slot: info.slot, ...(outcome.reference ?? outcome.bookingId ? { bookingId: outcome.reference ?? outcome.bookingId } : {}), ...(outcome.meetingLink ? { meetingLink: outcome.meetingLink } : {}), email, signOff }),
      [say.quick.cancelBooking, say.quick.startOver],
      { bookingInfo: confirmed, pendingMatch: null },
    );
  }
  if (outcome.reason === "slot_taken") {
    const { tutorId, date, start, end, studentName, studentEmail, mode, intake } = effect.booking;
    const waitFor = { tutorId, tutorName, slot: { day: weekdayOf(date), date, start, end }, studentName, studentEmail, mode, intake };
    return offerAlternatives(say, fields, effect.booking, say.slotTaken(tutorName), waitFor);
  }
  if (outcome.reason === "unavailable") return offerAlternatives(say, fields, effect.booking, say.notOpen(tutorName));
  if (outcome.reason === "limit") return turn(say.tooManyBookings(LIMITS.activeBookings.limit), [say.quick.startOver]);
  if (outcome.reason === "not_found") return offerAlternatives(say, fields, effect.booking, say.noLongerBooking(tutorName));
  if (outcome.reason === "policy" && outcome.rule === "closed_hours") {
    return offerAlternatives(say, fields, effect.booking, `${say.notOpen(tutorName)} ${outcome.explanation}`);
  }
  if (outcome.reason === "policy") return turn(say.nothingBookedBecause(outcome.explanation), [say.quick.changeTime, say.quick.startOver], { bookingInfo: null });
  if (outcome.reason === "contact" && info) {
    const { studentName: _name, studentEmail: _email, ...rest } = info;
    return turn(say.badContact(outcome.field), undefined, { bookingInfo: { ...rest, step: "contact" } });
  }
  if (outcome.reason === "weekly_cap") return turn(say.weeklyCap(outcome.cap), [say.quick.changeTime, say.quick.startOver], { bookingInfo: null });
  return turn(say.bookingFailed, [say.quick.confirm, say.quick.leaveMessage]);
}

function cancelOutcome(say: Phrases, fields: SessionFields, outcome: EffectOutcome): AssistantTurn {
  const info = fields.bookingInfo;
  if (outcome.ok) {
    const late = outcome.lateCancel ? ` ${say.lateCancel(outcome.lateCancel.cutoffHours)}` : "";
    const email = emailNote(say, outcome, (address) => say.emailOnItsWay("cancellation", address));
    return turn(`${say.cancelled(info)}${late}${email}`, [say.quick.startOver], info ? { bookingInfo: { ...info, step: "cancelled" } } : {});
  }
  if (outcome.reason === "not_found") return turn(say.bookingNotFound, [say.quick.startOver, say.quick.leaveMessage]);
  if (outcome.reason === "started") return turn(startedCancelText(outcome.slot, "student"), [say.quick.leaveMessage, say.quick.startOver]);
  if (outcome.reason === "rate_limited") return turn(say.nothingChanged(outcome.message), [say.quick.leaveMessage, say.quick.startOver]);
  return turn(say.cancelFailed, [say.quick.cancelBooking, say.quick.leaveMessage]);
}

/**
 * A move's outcome: moved (the form now shows the new slot and where it moved from), the slot taken
 * meanwhile (the next offered slot, if any), the original inside the cutoff, or a rule of the center's.
 */
function moveOutcome(say: Phrases, fields: SessionFields, effect: Extract<AssistantEffect, { type: "move_booking" }>, outcome: EffectOutcome): AssistantTurn {
  const info = fields.bookingInfo;
  if (!info) return turn(outcome.ok ? say.move.moved : say.move.notMoved, [say.quick.startOver]);
  const options = info.moveOptions ?? [];
  const { to } = effect;
  const isTarget = (option: { tutorId: string; slot: { date: string; start: string } }) =>
    option.tutorId === to.tutorId && option.slot.date === to.date && option.slot.start === to.start;
  const kept = withoutMove(info);
  const stays = say.move.stays(info);
  if (outcome.ok) {
    const chosen = options.find(isTarget) ?? { tutorId: to.tutorId, tutorName: to.tutorName, slot: { day: weekdayOf(to.date), date: to.date, start: to.start, end: to.end } };
    const moved: BookingInfo = { ...kept, tutorId: chosen.tutorId, tutorName: chosen.tutorName, slot: chosen.slot, movedFrom: info.slot };
    const email = emailNote(say, outcome, (address) => say.emailOnItsWay("update", address));
    const number = info.reference ?? info.bookingId;
    return turn(
      `${say.move.done({ slot: chosen.slot, tutorName: chosen.tutorName, from: info.slot, number })}${email}`,
      [say.quick.reschedule, say.quick.cancelBooking, say.quick.startOver],
      { bookingInfo: moved },
    );
  }
  switch (outcome.reason) {
    case "slot_taken":
    case "unavailable": {
      const lead = outcome.reason === "slot_taken" ? say.move.justTaken : say.move.notOpen;
      const [next, ...later] = options.filter((option) => !isTarget(option));
      if (next) return offerQuestion(kept, [next, ...later], criteriaOf(fields).skill, `${lead} `, say);
      return turn(`${lead} ${stays} ${say.move.tryAnotherDay}`, [say.quick.reschedule, say.quick.cancelBooking], { bookingInfo: kept });
    }
    case "too_late":
      return tooLateToMove(kept, outcome.cutoffHours, say);
    case "policy":
      return turn(`${say.move.ruleRefused(outcome.explanation)} ${stays}`, [say.quick.reschedule, say.quick.cancelBooking], { bookingInfo: kept });
    case "weekly_cap":
      return turn(`${say.move.weeklyCap(outcome.cap)} ${stays}`, [say.quick.reschedule], { bookingInfo: kept });
    case "not_found":
      return turn(say.move.notFound, [say.quick.startOver], { bookingInfo: kept });
    case "rate_limited":
      return turn(`${say.move.nothingChanged(outcome.message)} ${stays}`, [say.quick.leaveMessage, say.quick.startOver], { bookingInfo: kept });
    default:
      return turn(say.move.failed, [say.quick.yes, say.quick.no]);
  }
}

function waitlistOutcome(say: Phrases, effect: Extract<AssistantEffect, { type: "join_waitlist" | "leave_waitlist" }>, outcome: EffectOutcome): AssistantTurn {
  const { tutorName, slot } = effect.type === "join_waitlist" ? effect.wanted : effect;
  const session = say.sessionWith(tutorName, slot);
  if (!outcome.ok && outcome.reason === "rate_limited") return turn(say.nothingChanged(outcome.message), [say.quick.startOver]);
  if (!outcome.ok) return turn(say.waitlistFailed, [effect.type === "join_waitlist" ? say.quick.joinWaitlist : say.quick.leaveWaitlist]);
  if (effect.type === "leave_waitlist") return turn(say.offWaitlist(session, outcome.left ?? false), [say.quick.startOver]);
  return turn(say.onWaitlist(session, outcome.position ?? 1), [say.quick.leaveWaitlist, say.quick.startOver]);
}

/** `tone`: the center's persona tone (the confirmation's sign-off); the default's wording when absent. */
export function describeEffectOutcome(fields: SessionFields, effect: AssistantEffect, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  // Said in the chat's language (kept in its search criteria by the turn that asked for the effect).
  const say = phrasesIn(fields.searchCriteria?.lang);
  switch (effect.type) {
    case "create_booking":
      return bookingOutcome(say, fields, effect, outcome, tone);
    case "cancel_booking":
      return cancelOutcome(say, fields, outcome);
    case "move_booking":
      return moveOutcome(say, fields, effect, outcome);
    case "leave_message":
      // Honest about what happens next: staff read the center's messages when they can, nobody is promised now.
      return outcome.ok
        ? turn(say.messageSent, [say.quick.startOver])
        : turn(say.messageFailed, [say.quick.yes, say.quick.changeIt, say.quick.cancel], keepDraft(fields, effect.words));
    case "join_waitlist":
    case "leave_waitlist":
      return waitlistOutcome(say, effect, outcome);
  }
}
