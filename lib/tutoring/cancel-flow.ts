import { hasStarted, isLateCancel, startedCancelText } from "../center/policy";
import { withoutMove } from "./move-flow";
import type { BookingInfo } from "./schemas";
import { criteriaOf, reply, turn } from "./turn-context";
import type { AssistantTurn, TurnContext } from "./turn-types";

/**
 * Cancelling the chat's confirmed booking asks first: "Cancel Python with Maya Chen on Monday,
 * Dec 7 at 10:00–11:00? This can't be undone." with Yes / No (and the late-cancel warning when the
 * session starts inside the center's cutoff), kept as `bookingInfo.cancelAsked`. Only a yes returns
 * the `cancel_booking` effect; no, "never mind" or "cancel" keep the booking; anything else closes
 * the question and is answered as usual (`respond` strips the flag first). A PATCH cannot set the
 * flag: a confirmed booking's form is not the client's to change (patch-rules.ts). Pure.
 */

/** The booking without a cancel question open. */
export function withoutCancelQuestion(booking: BookingInfo): BookingInfo {
  const { cancelAsked: _asked, ...rest } = booking;
  return rest;
}

/**
 * Asks whether to cancel the confirmed booking (an open move offer is closed); a session that has
 * already started is refused at once, as the cancel itself would be (`hasStarted`), never asked about.
 */
export function askToCancel(ctx: TurnContext, booking: BookingInfo): AssistantTurn {
  if (hasStarted(ctx.policy, booking.slot, ctx.now)) {
    return turn(startedCancelText(booking.slot, "student"), [ctx.say.quick.startOver], { bookingInfo: withoutMove(withoutCancelQuestion(booking)) });
  }
  const late = isLateCancel(ctx.policy, booking.slot, ctx.now) ? ` ${ctx.say.lateCancelWarning(ctx.policy.cancelCutoffHours)}` : "";
  return turn(`${ctx.say.cancelQuestion(booking, criteriaOf(ctx.fields).skill)}${late}`, [ctx.say.quick.yes, ctx.say.quick.no], {
    bookingInfo: { ...withoutMove(withoutCancelQuestion(booking)), cancelAsked: true },
  });
}

/** The answer to an open cancel question, or undefined when the message is about something else. */
export function answerCancelQuestion(ctx: TurnContext, booking: BookingInfo): AssistantTurn | undefined {
  if (booking.step !== "confirmed" || !booking.bookingId) return undefined;
  const kept = withoutCancelQuestion(booking);
  switch (ctx.parsed.intent) {
    case "affirm":
      return {
        replies: [reply(ctx.say.cancelling(booking.tutorName, booking.slot))],
        patch: { bookingInfo: kept },
        effect: { type: "cancel_booking", bookingId: booking.bookingId },
      };
    case "deny":
    case "cancel":
      return turn(ctx.say.kept(booking), [ctx.say.quick.reschedule, ctx.say.quick.cancelBooking], { bookingInfo: kept });
    default:
      return undefined;
  }
}
