import { phrasesFor, type Tone } from "../center/persona";
import { withheldText, type EmailWithheld } from "../mail/recipients";
import { startedCancelText, type SlotRule } from "../center/policy";
import { LIMITS } from "../rate-limits";
import type { SessionFields } from "../schemas";
import { MATCH_QUICK_REPLIES, QUICK } from "./commands";
import { weekdayOf } from "./clock";
import { keepDraft } from "./handoff-flow";
import { matchKind } from "./match";
import { offerQuestion, tooLateToMove, withoutMove } from "./move-flow";
import { cancelledText, lateCancelText, matchSentence, slotText } from "./phrasing";
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
function emailNote(outcome: { emailedTo?: string; emailWithheld?: EmailWithheld }, onItsWay: string): string {
  if (outcome.emailedTo) return ` ${onItsWay} ${outcome.emailedTo}.`;
  return outcome.emailWithheld ? ` ${withheldText(outcome.emailWithheld)}` : "";
}

function sameSlot(match: TutorMatch, booking: { tutorId: string; date: string; start: string }): boolean {
  return match.tutor.id === booking.tutorId && match.slot.date === booking.date && match.slot.start === booking.start;
}

/** The slot is gone: offer the next tutor from the last search, never the one that just filled (and, if it was taken, its waitlist). */
function offerAlternatives(
  fields: SessionFields,
  booking: { tutorId: string; date: string; start: string },
  lead: string,
  waitFor?: WaitForSlot,
): AssistantTurn {
  const found = fields.searchCriteria ?? { excludeTutorIds: [] };
  // A slot just taken replaces the one kept before; otherwise the kept one stays (its line may hold the student).
  const criteria = waitFor ? { ...found, waitFor } : found;
  const wait = waitFor ? [QUICK.joinWaitlist] : [];
  const remaining = fields.availableTutors.filter((match) => !sameSlot(match, booking) && match.tutor.id !== booking.tutorId);
  const excludeTutorIds = [...new Set([...criteria.excludeTutorIds, booking.tutorId])];
  const next = remaining[0];
  const patch = { bookingInfo: null, searchCriteria: { ...criteria, excludeTutorIds }, availableTutors: remaining };
  if (!next) {
    return turn(`${lead} I don't have another tutor for this search. Want to try a different time?`, [...wait, QUICK.changeTime, QUICK.startOver, QUICK.leaveMessage], {
      ...patch,
      pendingMatch: null,
    });
  }
  const sentence = matchSentence({ match: next, kind: matchKind(next.score) }, criteria, true);
  return turn(`${lead} ${sentence}`, [...MATCH_QUICK_REPLIES, ...wait], { ...patch, pendingMatch: next });
}

function bookingOutcome(fields: SessionFields, effect: Extract<AssistantEffect, { type: "create_booking" }>, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  const info = fields.bookingInfo;
  const tutorName = info?.tutorName ?? "your tutor";
  if (outcome.ok) {
    if (!info) return turn("You're booked!", [QUICK.startOver]);
    const link = outcome.meetingLink ? ` Join here: ${outcome.meetingLink}` : "";
    const number = outcome.reference ?? outcome.bookingId;
    const reference = number ? ` Your booking number is ${number}.` : "";
    const confirmed = {
      ...info,
      step: "confirmed" as const,
      ...(outcome.bookingId ? { bookingId: outcome.bookingId } : {}),
      ...(outcome.reference ? { reference: outcome.reference } : {}),
      ...(outcome.meetingLink ? { meetingLink: outcome.meetingLink } : {}),
    };
    const email = emailNote(outcome, "A confirmation email with a calendar invite is on its way to");
    return turn(
      `You're booked with ${tutorName} on ${slotText(info.slot)}.${reference}${link}${email} ${phrasesFor(tone).bookedSignOff}`,
      [QUICK.cancelBooking, QUICK.startOver],
      { bookingInfo: confirmed, pendingMatch: null },
    );
  }
  if (outcome.reason === "slot_taken") {
    const { tutorId, date, start, end, studentName, studentEmail, mode, intake } = effect.booking;
    const waitFor = { tutorId, tutorName, slot: { day: weekdayOf(date), date, start, end }, studentName, studentEmail, mode, intake };
    return offerAlternatives(fields, effect.booking, `Sorry, ${tutorName}'s slot was just taken by someone else.`, waitFor);
  }
  if (outcome.reason === "unavailable") return offerAlternatives(fields, effect.booking, `Sorry, that time is not open with ${tutorName}.`);
  if (outcome.reason === "limit") {
    return turn(
      `Nothing was booked: you already have ${LIMITS.activeBookings.limit} upcoming sessions, the most one student can hold. Cancel one under My bookings, then I can book this one.`,
      [QUICK.startOver],
    );
  }
  if (outcome.reason === "not_found") return offerAlternatives(fields, effect.booking, `Sorry, ${tutorName} is no longer taking bookings.`);
  if (outcome.reason === "policy" && outcome.rule === "closed_hours") {
    return offerAlternatives(fields, effect.booking, `Sorry, that time is not open with ${tutorName}. ${outcome.explanation}`);
  }
  if (outcome.reason === "policy") return turn(`Nothing was booked. ${outcome.explanation} Want to try a different time?`, [QUICK.changeTime, QUICK.startOver], { bookingInfo: null });
  if (outcome.reason === "contact" && info) {
    const { studentName: _name, studentEmail: _email, ...rest } = info;
    const which = outcome.field === "name" ? "that name (a name is letters only, with no links or line breaks)" : "that email address";
    return turn(`Nothing was booked: I can't book with ${which}. What's your name and email? For example: Ada Lovelace, ada@example.com`, undefined, {
      bookingInfo: { ...rest, step: "contact" },
    });
  }
  if (outcome.reason === "weekly_cap") {
    return turn(
      `Nothing was booked: you already have ${outcome.cap} session${outcome.cap === 1 ? "" : "s"} that week, the center's limit. Want to try another week?`,
      [QUICK.changeTime, QUICK.startOver],
      { bookingInfo: null },
    );
  }
  return turn("Sorry, something went wrong and nothing was booked. Want me to try again?", [QUICK.confirm, QUICK.leaveMessage]);
}

function cancelOutcome(fields: SessionFields, outcome: EffectOutcome): AssistantTurn {
  const info = fields.bookingInfo;
  if (outcome.ok) {
    const late = outcome.lateCancel ? ` ${lateCancelText(outcome.lateCancel.cutoffHours)}` : "";
    const email = emailNote(outcome, "A cancellation email is on its way to");
    return turn(`${cancelledText(info)}${late}${email}`, [QUICK.startOver], info ? { bookingInfo: { ...info, step: "cancelled" } } : {});
  }
  if (outcome.reason === "not_found") return turn("I couldn't find that booking; it may already be cancelled.", [QUICK.startOver, QUICK.leaveMessage]);
  if (outcome.reason === "started") return turn(startedCancelText(outcome.slot, "student"), [QUICK.leaveMessage, QUICK.startOver]);
  if (outcome.reason === "rate_limited") return turn(`Nothing changed: ${outcome.message}`, [QUICK.leaveMessage, QUICK.startOver]);
  return turn("Sorry, I couldn't cancel that just now. Please try again in a moment.", [QUICK.cancelBooking, QUICK.leaveMessage]);
}

function keepsSlot(info: BookingInfo): string {
  return `Your session stays on ${slotText(info.slot)} with ${info.tutorName}.`;
}

/**
 * A move's outcome: moved (the form now shows the new slot and where it moved from), the slot taken
 * meanwhile (the next offered slot, if any), the original inside the cutoff, or a rule of the center's.
 */
function moveOutcome(fields: SessionFields, effect: Extract<AssistantEffect, { type: "move_booking" }>, outcome: EffectOutcome): AssistantTurn {
  const info = fields.bookingInfo;
  if (!info) return turn(outcome.ok ? "Your session is moved." : "Nothing was changed.", [QUICK.startOver]);
  const options = info.moveOptions ?? [];
  const { to } = effect;
  const isTarget = (option: { tutorId: string; slot: { date: string; start: string } }) =>
    option.tutorId === to.tutorId && option.slot.date === to.date && option.slot.start === to.start;
  const kept = withoutMove(info);
  if (outcome.ok) {
    const chosen = options.find(isTarget) ?? { tutorId: to.tutorId, tutorName: to.tutorName, slot: { day: weekdayOf(to.date), date: to.date, start: to.start, end: to.end } };
    const moved: BookingInfo = { ...kept, tutorId: chosen.tutorId, tutorName: chosen.tutorName, slot: chosen.slot, movedFrom: info.slot };
    const email = emailNote(outcome, "An update email with the new time and calendar invite is on its way to");
    const number = info.reference ?? info.bookingId;
    const reference = number ? ` Your booking number stays ${number}.` : "";
    return turn(
      `Done: your session is moved to ${slotText(chosen.slot)} with ${chosen.tutorName} (moved from ${slotText(info.slot)}).${reference}${email}`,
      [QUICK.reschedule, QUICK.cancelBooking, QUICK.startOver],
      { bookingInfo: moved },
    );
  }
  switch (outcome.reason) {
    case "slot_taken":
    case "unavailable": {
      const lead = outcome.reason === "slot_taken" ? "Sorry, that time was just taken by someone else, and nothing changed." : "Sorry, that time is not open any more, and nothing changed.";
      const [next, ...later] = options.filter((option) => !isTarget(option));
      if (next) return offerQuestion(kept, [next, ...later], criteriaOf(fields).skill, `${lead} `);
      return turn(`${lead} ${keepsSlot(info)} Try another day, like "move it to Friday".`, [QUICK.reschedule, QUICK.cancelBooking], { bookingInfo: kept });
    }
    case "too_late":
      return tooLateToMove(kept, outcome.cutoffHours);
    case "policy":
      return turn(`Nothing changed. ${outcome.explanation} ${keepsSlot(info)}`, [QUICK.reschedule, QUICK.cancelBooking], { bookingInfo: kept });
    case "weekly_cap":
      return turn(`Nothing changed: you already have ${outcome.cap} session${outcome.cap === 1 ? "" : "s"} that week, the center's limit. ${keepsSlot(info)}`, [QUICK.reschedule], {
        bookingInfo: kept,
      });
    case "not_found":
      return turn("I couldn't find that booking; it may have been cancelled. Nothing was moved.", [QUICK.startOver], { bookingInfo: kept });
    case "rate_limited":
      return turn(`Nothing changed: ${outcome.message} ${keepsSlot(info)}`, [QUICK.leaveMessage, QUICK.startOver], { bookingInfo: kept });
    default:
      return turn("Sorry, something went wrong and nothing changed. Want me to try again?", [QUICK.yes, QUICK.no]);
  }
}

function waitlistOutcome(effect: Extract<AssistantEffect, { type: "join_waitlist" | "leave_waitlist" }>, outcome: EffectOutcome): AssistantTurn {
  const { tutorName, slot } = effect.type === "join_waitlist" ? effect.wanted : effect;
  const session = `${tutorName} on ${slotText(slot)}`;
  if (!outcome.ok && outcome.reason === "rate_limited") return turn(`Nothing changed: ${outcome.message}`, [QUICK.startOver]);
  if (!outcome.ok) return turn("Sorry, I couldn't reach the waitlist just now. Please try again in a moment.", [effect.type === "join_waitlist" ? QUICK.joinWaitlist : QUICK.leaveWaitlist]);
  if (effect.type === "leave_waitlist") {
    return turn(outcome.left ? `You're off the waitlist for ${session}.` : `You weren't on the waitlist for ${session}.`, [QUICK.startOver]);
  }
  return turn(`You're on the waitlist for ${session}: number ${outcome.position ?? 1} in line.`, [QUICK.leaveWaitlist, QUICK.startOver]);
}

/** `tone`: the center's persona tone (the confirmation's sign-off); the default's wording when absent. */
export function describeEffectOutcome(fields: SessionFields, effect: AssistantEffect, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  switch (effect.type) {
    case "create_booking":
      return bookingOutcome(fields, effect, outcome, tone);
    case "cancel_booking":
      return cancelOutcome(fields, outcome);
    case "move_booking":
      return moveOutcome(fields, effect, outcome);
    case "leave_message":
      // Honest about what happens next: staff read the center's messages when they can, nobody is promised now.
      return outcome.ok
        ? turn(
            "Sent: your message is with the tutoring center. Staff answer in this chat when they can; their reply stays here, so you can close this page and come back.",
            [QUICK.startOver],
          )
        : turn("Sorry, I couldn't send your message just now, so nothing went to the tutoring center. Send it again?", [QUICK.yes, QUICK.changeIt, QUICK.cancel], keepDraft(fields, effect.words));
    case "join_waitlist":
    case "leave_waitlist":
      return waitlistOutcome(effect, outcome);
  }
}
