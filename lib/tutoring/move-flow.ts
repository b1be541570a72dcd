import { isLateCancel } from "../center/policy";
import { QUICK } from "./commands";
import { rankTutors, type RankedMatch } from "./match";
import { nextFreeHours } from "./next-free-hours";
import { hasCriteria } from "./parse";
import { keptText } from "./phrasing";
import { EN } from "./phrases/en";
import type { Phrases } from "./phrases/types";
import type { BookingInfo, MoveOption, SearchCriteria } from "./schemas";
import { avoidOf, mergeCriteria } from "./search-flow";
import { criteriaOf, reply, turn } from "./turn-context";
import type { AssistantTurn, BookedSlot, TurnContext } from "./turn-types";

/**
 * Moving a confirmed booking from the chat ("can I move it to Tuesday?", "reschedule my booking").
 * The assistant offers free slots with the same tutor first, then with others who teach the
 * subject (said as such), keeps them in `bookingInfo.moveOptions`, and on "yes" returns a
 * `move_booking` effect: the caller moves the row in D1 (services/db/reschedule.ts) and
 * `describeEffectOutcome` words what happened. Pure, like the rest of the assistant.
 */

/** The same tutor's next free hours offered, then this many other tutors. */
const SAME_TUTOR_OPTIONS = 3;
const OTHER_TUTOR_OPTIONS = 2;

export const MOVE_OFFER_REPLIES = [QUICK.yes, QUICK.changeTime, QUICK.others, QUICK.no];

function moveOfferReplies(say: Phrases): string[] {
  return [say.quick.yes, say.quick.changeTime, say.quick.others, say.quick.no];
}

/** The booking without a move in progress. */
export function withoutMove(booking: BookingInfo): BookingInfo {
  const { moveOptions: _options, ...rest } = booking;
  return rest;
}

/** "Ada is free on …" for the same tutor; another tutor is said as one who also teaches the subject. */
export function optionSentence(booking: BookingInfo, option: MoveOption, skill: string | undefined, say: Phrases = EN): string {
  if (option.tutorId === booking.tutorId) return say.move.sameTutorFree(option.tutorName, option.slot);
  return say.move.otherTutorFree(option.tutorName, skill, option.slot);
}

/** Offers the first of `options` (the rest are kept for "change the time" and a slot taken meanwhile). */
export function offerQuestion(booking: BookingInfo, options: [MoveOption, ...MoveOption[]], skill: string | undefined, lead = "", say: Phrases = EN): AssistantTurn {
  const [option] = options;
  const otherTutor = option.tutorId === booking.tutorId ? undefined : option.tutorName;
  const question = `${lead}${optionSentence(booking, option, skill, say)} ${say.move.offer(booking.slot, otherTutor)}`;
  return turn(question, moveOfferReplies(say), { bookingInfo: { ...booking, moveOptions: options } });
}

const toOption = ({ match }: RankedMatch): MoveOption => ({ tutorId: match.tutor.id, tutorName: match.tutor.name, slot: match.slot });

/** The student's wish for the new time: the day and time in this message, else the soonest free hour. */
function wishOf(ctx: TurnContext, skill: string): SearchCriteria {
  const wish = mergeCriteria({ skill, excludeTutorIds: [] }, ctx.parsed, ctx.today);
  return wish.date ? wish : { ...wish, date: ctx.today.date };
}

/** The slots to offer, best first: same tutor before others, and an hour at the time asked before one that is not. */
async function moveOptions(ctx: TurnContext, booking: BookingInfo, skill: string, othersOnly: boolean): Promise<{ options: MoveOption[]; asked: boolean }> {
  const wish = wishOf(ctx, skill);
  // The session keeps its mode: only a tutor who meets that way can take it (D1 checks the same).
  const tutors = (await ctx.catalog.findBySkill(skill)).filter((tutor) => !booking.mode || tutor.mode === "both" || tutor.mode === booking.mode);
  const booked: BookedSlot[] = tutors.length ? await ctx.catalog.bookedSlots(tutors.map((tutor) => tutor.id), ctx.today.date) : [];
  const rank = { today: ctx.today, policy: { rules: ctx.policy, now: ctx.now } };
  const mine = tutors.find((tutor) => tutor.id === booking.tutorId);
  const same: RankedMatch[] = !othersOnly && mine ? nextFreeHours(mine, wish, { ...rank, booked }, SAME_TUTOR_OPTIONS) : [];
  const excluded = new Set([booking.tutorId, ...(booking.moveOptions ?? []).map((option) => option.tutorId)]);
  const others = rankTutors(tutors.filter((tutor) => !excluded.has(tutor.id)), wish, { ...rank, booked, limit: OTHER_TUTOR_OPTIONS, avoid: avoidOf(ctx) });
  const named = Boolean(ctx.parsed.day || ctx.parsed.timeFrom || ctx.parsed.timeTo);
  const exact = (entry: RankedMatch) => !named || entry.kind === "exact";
  const ordered = [...same.filter(exact), ...others.filter(exact), ...same.filter((e) => !exact(e)), ...others.filter((e) => !exact(e))];
  return { options: ordered.map(toOption), asked: ordered[0] !== undefined && exact(ordered[0]) };
}

/**
 * The answer when the session starts inside the center's cancellation cutoff: the move would be
 * refused (services/db/reschedule.ts applies the same `isLateCancel`), so nothing is offered.
 */
export function tooLateToMove(booking: BookingInfo, cutoffHours: number, say: Phrases = EN): AssistantTurn {
  return turn(
    say.move.tooLate(cutoffHours, booking),
    [say.quick.cancelBooking, say.quick.startOver],
    { bookingInfo: withoutMove(booking) },
  );
}

/** Looks for free slots and offers the first, unless the center's cutoff already refuses any move. */
async function offerMove(ctx: TurnContext, booking: BookingInfo, othersOnly = false): Promise<AssistantTurn> {
  const { say } = ctx;
  if (isLateCancel(ctx.policy, booking.slot, ctx.now)) return tooLateToMove(booking, ctx.policy.cancelCutoffHours, say);
  const skill = criteriaOf(ctx.fields).skill ?? ctx.parsed.skill;
  if (!skill) {
    return turn(
      say.move.whichSubject(booking.tutorName),
      undefined,
      { bookingInfo: withoutMove(booking) },
    );
  }
  const { options, asked } = await moveOptions(ctx, booking, skill, othersOnly);
  const [first, ...rest] = options;
  if (!first) {
    return turn(
      say.move.noneFree({ othersOnly, tutorName: booking.tutorName, skill }, booking.slot),
      [say.quick.cancelBooking, say.quick.startOver],
      { bookingInfo: withoutMove(booking) },
    );
  }
  return offerQuestion(booking, [first, ...rest], skill, asked ? "" : say.move.nothingAtAsked, say);
}

/** The move itself: the D1 write happens outside, as an effect. */
function moveEffect(booking: BookingInfo & { bookingId: string }, option: MoveOption, say: Phrases): AssistantTurn {
  return {
    replies: [reply(say.move.moving(option.slot, option.tutorId === booking.tutorId ? undefined : option.tutorName))],
    patch: {},
    effect: {
      type: "move_booking",
      bookingId: booking.bookingId,
      to: { tutorId: option.tutorId, tutorName: option.tutorName, date: option.slot.date, start: option.slot.start, end: option.slot.end },
    },
  };
}

/**
 * A message about moving the chat's confirmed booking, or undefined when it is about something
 * else. While a slot is on offer, "yes" moves, "no" keeps the booking, "change the time" offers
 * the next slot, "show me other tutors" the others, and a day or time searches again.
 */
export async function moveTurn(ctx: TurnContext, booking: BookingInfo): Promise<AssistantTurn | undefined> {
  if (booking.step !== "confirmed" || !booking.bookingId) return undefined;
  const confirmed = { ...booking, bookingId: booking.bookingId };
  const options = booking.moveOptions ?? [];
  const { intent } = ctx.parsed;
  if (intent === "reschedule") return offerMove(ctx, withoutMove(booking));
  const [first, ...rest] = options;
  if (!first) return undefined;
  const skill = criteriaOf(ctx.fields).skill;
  switch (intent) {
    case "affirm":
    case "book":
      return moveEffect(confirmed, first, ctx.say);
    case "deny":
    case "cancel":
      return turn(keptText(booking, ctx.say), [ctx.say.quick.reschedule, ctx.say.quick.cancelBooking], {
        bookingInfo: withoutMove(booking),
      });
    case "other_tutors": {
      const other = rest.findIndex((option) => option.tutorId !== booking.tutorId);
      const [next, ...later] = other >= 0 ? rest.slice(other) : [];
      return next ? offerQuestion(booking, [next, ...later], skill, "", ctx.say) : offerMove(ctx, booking, true);
    }
    case "change_time":
    case "change_day": {
      if (hasCriteria(ctx.parsed)) return offerMove(ctx, booking);
      const [next, ...later] = rest;
      return next ? offerQuestion(booking, [next, ...later], skill, "", ctx.say) : offerMove(ctx, booking);
    }
    default:
      return hasCriteria(ctx.parsed) && !ctx.parsed.skill ? offerMove(ctx, booking) : undefined;
  }
}
