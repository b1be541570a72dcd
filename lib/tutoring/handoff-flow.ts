import type { SessionFields } from "../schemas";
import { EN } from "./phrases/en";
import { matchQuickReplies, type Phrases } from "./phrases";
import { dayText, slotText, timeText } from "./phrasing";
import { MAX_HANDOFF_CHARS, type HandoffDraft } from "./schemas";
import { criteriaOf, turn } from "./turn-context";
import type { AssistantTurn, TurnContext } from "./turn-types";

/**
 * "Leave a message for the tutoring center" as a short dialogue: ask for the
 * message (or take it from the same turn: "tell the center I'll be late"),
 * show it back ("Send it? Yes / Change it / Cancel"), and only on a yes ask
 * for the `leave_message` effect, with the student's words in it. The draft
 * lives in `searchCriteria.handoff`, so a reload or a second tab is at the
 * same step. Pure, like the rest of the assistant.
 */

/** Without the chat service nothing can be queued (the stateless fallback): said at once, before the student writes anything. */
export const HANDOFF_UNREACHABLE = EN.handoffUnreachable;

/** The search as it was, with the draft set (or gone) and the run of misunderstandings over. */
function withDraft(fields: SessionFields, draft: HandoffDraft | undefined): Partial<SessionFields> {
  const { handoff: _draft, misses: _misses, ...criteria } = criteriaOf(fields);
  return { searchCriteria: draft ? { ...criteria, handoff: draft } : criteria };
}

function ask(say: Phrases, fields: SessionFields, question: string): AssistantTurn {
  return turn(question, [say.quick.cancel], withDraft(fields, { step: "ask" }));
}

/** The words shown back exactly as they will be sent; too long ones are sent back to be shortened. */
function confirm(say: Phrases, fields: SessionFields, words: string, lead = ""): AssistantTurn {
  if (words.length > MAX_HANDOFF_CHARS) return ask(say, fields, say.handoffTooLong(words.length, MAX_HANDOFF_CHARS));
  return turn(say.handoffConfirm(lead, words), [say.quick.yes, say.quick.changeIt, say.quick.cancel], withDraft(fields, { step: "confirm", words }));
}

function dropped(ctx: TurnContext): AssistantTurn {
  const match = ctx.fields.pendingMatch ? matchQuickReplies(ctx.say) : undefined;
  return turn(ctx.say.handoffDropped, match, withDraft(ctx.fields, undefined));
}

/** "Leave a message" (with or without words): ask for the message, or show back the words that came with it. */
export function startHandoff(ctx: TurnContext): AssistantTurn {
  if (!ctx.staffReachable) return turn(ctx.say.handoffUnreachable, undefined, withDraft(ctx.fields, undefined));
  return ctx.parsed.note ? confirm(ctx.say, ctx.fields, ctx.parsed.note) : ask(ctx.say, ctx.fields, ctx.say.handoffAsk);
}

/**
 * A message while a hand-off is being written. At `ask` the message is the
 * words, as typed, unless it is "cancel" or "start over" (whole-message
 * commands: the turn is parsed strictly). At `confirm` only yes, change and
 * cancel move on; anything else shows the question again, sending nothing.
 * Undefined leaves "start over" to the commands that apply everywhere.
 */
export function handoffTurn(ctx: TurnContext, draft: HandoffDraft): AssistantTurn | undefined {
  const { intent, note } = ctx.parsed;
  const { say } = ctx;
  if (intent === "start_over") return undefined;
  if (intent === "cancel") return dropped(ctx);
  if (intent === "leave_message") return note ? confirm(say, ctx.fields, note) : draft.words ? confirm(say, ctx.fields, draft.words) : ask(say, ctx.fields, say.handoffAsk);
  if (draft.step === "ask" || !draft.words) return confirm(say, ctx.fields, ctx.message.trim());
  switch (intent) {
    case "affirm":
    case "book":
      return {
        replies: [],
        patch: withDraft(ctx.fields, undefined),
        effect: { type: "leave_message", words: draft.words, note: handoffNote(ctx.fields, draft.words) },
      };
    case "edit_message":
    case "deny":
      return ask(say, ctx.fields, say.handoffAskAgain);
    default:
      return confirm(say, ctx.fields, draft.words, say.nothingSentYet);
  }
}

/** A send that failed keeps the words at the question, so "Yes" tries again (lib/tutoring/effect-outcome.ts). */
export function keepDraft(fields: SessionFields, words: string): Partial<SessionFields> {
  return withDraft(fields, { step: "confirm", words });
}

/** What staff receive: the student's words first, as written, then where the chat had got to. */
export function handoffNote(fields: SessionFields, words: string): string {
  const criteria = criteriaOf(fields);
  const context: string[] = [];
  if (criteria.skill) {
    const day = criteria.day ? `on ${dayText(criteria)}${criteria.date ? ` (${criteria.date})` : ""}` : criteria.date ? "on any day" : "";
    const when = [day, timeText(criteria)].filter(Boolean).join(" ");
    context.push(`They were looking for ${criteria.skill}${when ? ` ${when}` : ""}.`);
  }
  const booking = fields.bookingInfo;
  if (booking) {
    context.push(`Booking (${booking.step}) with ${booking.tutorName} on ${slotText(booking.slot)}.`);
    if (booking.studentName || booking.studentEmail) context.push(`Contact: ${[booking.studentName, booking.studentEmail].filter(Boolean).join(", ")}.`);
  }
  return context.length > 0 ? `${words}\n\n${context.join(" ")}` : words;
}
