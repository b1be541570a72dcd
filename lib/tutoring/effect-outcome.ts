import { phrasesFor, type Tone } from "../center/persona";
import type { SlotRule } from "../center/policy";
import { LIMITS } from "../rate-limits";
import type { SessionFields } from "../schemas";
import { MATCH_QUICK_REPLIES, QUICK } from "./commands";
import { matchKind } from "./match";
import { cancelledText, lateCancelText, matchSentence, slotText } from "./phrasing";
import type { TutorMatch } from "./schemas";
import { turn } from "./turn-context";
import type { AssistantEffect, AssistantTurn } from "./turn-types";

/**
 * The follow-up turn once the caller has carried out an effect: a confirmed
 * booking, a slot someone else just took, a cancelled session, a message
 * passed to staff. Pure, like `respond`.
 */

/** Why a booking was not made: D1's answer, read after the INSERT refused (workers/db/bookings.ts). */
export type BookingRefusal =
  /** `unavailable`: the center does not offer that slot (outside the tutor's hours, a mode they do not teach, or overlapping another booking). */
  | { ok: false; reason: "slot_taken" | "unavailable" | "limit" | "not_found" | "error" }
  /** A rule of the center's (lead time, horizon, closed date, opening hours), worded for the student. */
  | { ok: false; reason: "policy"; rule: SlotRule; explanation: string }
  /** The student already holds `cap` sessions in that week. */
  | { ok: false; reason: "weekly_cap"; cap: number };

export type EffectOutcome =
  /**
   * `lateCancel`: a cancel inside the center's cutoff; it happened, and counts as late.
   * `emailedTo`: the student's email about it is queued (durably, sent with retries); absent, none was.
   */
  | { ok: true; bookingId?: string; meetingLink?: string; lateCancel?: { cutoffHours: number }; emailedTo?: string }
  | BookingRefusal;

function sameSlot(match: TutorMatch, booking: { tutorId: string; date: string; start: string }): boolean {
  return match.tutor.id === booking.tutorId && match.slot.date === booking.date && match.slot.start === booking.start;
}

/** The slot is gone: offer the next tutor from the last search, never the one that just filled. */
function offerAlternatives(fields: SessionFields, booking: { tutorId: string; date: string; start: string }, lead: string): AssistantTurn {
  const criteria = fields.searchCriteria ?? { excludeTutorIds: [] };
  const remaining = fields.availableTutors.filter((match) => !sameSlot(match, booking) && match.tutor.id !== booking.tutorId);
  const excludeTutorIds = [...new Set([...criteria.excludeTutorIds, booking.tutorId])];
  const next = remaining[0];
  const patch = { bookingInfo: null, searchCriteria: { ...criteria, excludeTutorIds }, availableTutors: remaining };
  if (!next) {
    return turn(`${lead} I don't have another tutor for this search. Want to try a different time?`, [QUICK.changeTime, QUICK.startOver, QUICK.leaveMessage], {
      ...patch,
      pendingMatch: null,
    });
  }
  const sentence = matchSentence({ match: next, kind: matchKind(next.score) }, criteria, true);
  return turn(`${lead} ${sentence}`, MATCH_QUICK_REPLIES, { ...patch, pendingMatch: next });
}

function bookingOutcome(fields: SessionFields, effect: Extract<AssistantEffect, { type: "create_booking" }>, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  const info = fields.bookingInfo;
  const tutorName = info?.tutorName ?? "your tutor";
  if (outcome.ok) {
    if (!info) return turn("You're booked!", [QUICK.startOver]);
    const link = outcome.meetingLink ? ` Join here: ${outcome.meetingLink}` : "";
    const reference = outcome.bookingId ? ` Your booking number is ${outcome.bookingId}.` : "";
    const confirmed = {
      ...info,
      step: "confirmed" as const,
      ...(outcome.bookingId ? { bookingId: outcome.bookingId } : {}),
      ...(outcome.meetingLink ? { meetingLink: outcome.meetingLink } : {}),
    };
    const email = outcome.emailedTo ? ` A confirmation email with a calendar invite is on its way to ${outcome.emailedTo}.` : "";
    return turn(
      `You're booked with ${tutorName} on ${slotText(info.slot)}.${reference}${link}${email} ${phrasesFor(tone).bookedSignOff}`,
      [QUICK.cancelBooking, QUICK.startOver],
      { bookingInfo: confirmed, pendingMatch: null },
    );
  }
  if (outcome.reason === "slot_taken") return offerAlternatives(fields, effect.booking, `Sorry, ${tutorName}'s slot was just taken by someone else.`);
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
    const email = outcome.emailedTo ? ` A cancellation email is on its way to ${outcome.emailedTo}.` : "";
    return turn(`${cancelledText(info)}${late}${email}`, [QUICK.startOver], info ? { bookingInfo: { ...info, step: "cancelled" } } : {});
  }
  if (outcome.reason === "not_found") return turn("I couldn't find that booking; it may already be cancelled.", [QUICK.startOver, QUICK.leaveMessage]);
  return turn("Sorry, I couldn't cancel that just now. Please try again in a moment.", [QUICK.cancelBooking, QUICK.leaveMessage]);
}

/** `tone`: the center's persona tone (the confirmation's sign-off); the default's wording when absent. */
export function describeEffectOutcome(fields: SessionFields, effect: AssistantEffect, outcome: EffectOutcome, tone?: Tone): AssistantTurn {
  switch (effect.type) {
    case "create_booking":
      return bookingOutcome(fields, effect, outcome, tone);
    case "cancel_booking":
      return cancelOutcome(fields, outcome);
    case "leave_message":
      return outcome.ok
        ? turn("Your message is in the tutoring center's queue. When someone there answers, the reply will appear here in this chat.", [QUICK.startOver])
        : turn("Sorry, I couldn't send your message just now. Please try again in a moment.", [QUICK.leaveMessage]);
  }
}
