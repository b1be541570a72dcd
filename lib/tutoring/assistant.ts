import { DEFAULT_PERSONA, greetingText, type AssistantPersona } from "../center/persona";
import { DEFAULT_CENTER_POLICY, type CenterPolicy } from "../center/policy";
import { remembersSomething, type MemoryView } from "../memory/view";
import type { SessionFields } from "../schemas";
import { LEAVE_FORM, bookingTurn, inForm, startBooking } from "./booking-flow";
import { answerCancelQuestion, askToCancel, withoutCancelQuestion } from "./cancel-flow";
import { moveTurn } from "./move-flow";
import { localNow } from "../calendar";
import { namesSomething, parseMessage } from "./parse";
import { readUnsure, type SlotReader } from "./model-reader";
import { handoffTurn, startHandoff } from "./handoff-flow";
import { detectLanguage } from "./language";
import { matchQuickReplies, phrasesIn, type Phrases } from "./phrases";
import { askNext, changeDay, changeTime, runSearch, searchWith, showOthers, stepBack, subjectQuickReplies } from "./search-flow";
import { criteriaOf, reply, turn } from "./turn-context";
import type { AssistantTurn, TurnContext, TutorCatalog } from "./turn-types";
import { welcomeBack, welcomeLine } from "./welcome-back";

/**
 * The tutoring assistant's contract. The assistant is pure: the same input gives
 * the same turn. It never writes anywhere; what must happen outside (a booking
 * row in D1, a cancel) comes back as an `effect` for the caller to perform,
 * and `describeEffectOutcome` turns the outcome into the follow-up turn.
 */

export { describeEffectOutcome, type EffectOutcome } from "./effect-outcome";
export { DEFAULT_TIME_ZONE } from "../calendar";
export type { AssistantEffect, AssistantReply, AssistantTurn, BookedSlot, TutorCatalog } from "./turn-types";

export interface AssistantInput {
  fields: SessionFields;
  message: string;
  /** The current time; passed in so the assistant stays deterministic. */
  now: Date;
  catalog: TutorCatalog;
  /** The center's settings and booking rules (D1 in the sidecar); the migration's defaults when absent. */
  policy?: CenterPolicy;
  /** IANA zone that "today" and "10am" are read in; defaults to the policy's (the center's). */
  timeZone?: string;
  /** What the student's memory holds (lib/memory/view.ts); absent in the fallback, which then says nothing of it. */
  memory?: MemoryView;
  /** False where nothing can be queued for staff (the stateless fallback): "leave a message" says so at once. Default true. */
  staffReachable?: boolean;
  /** The optional model-backed reader (model-reader.ts), asked only while searching and only when the parse is unsure. */
  reader?: SlotReader;
}

function isFresh(fields: SessionFields): boolean {
  return !fields.searchCriteria && !fields.pendingMatch && !fields.bookingInfo && fields.availableTutors.length === 0;
}

/** The greeting in the student's language: the center's own words, or this language's default when the center kept the default. */
function greetingIn(persona: AssistantPersona, say: Phrases): string {
  return greetingText(persona.greeting === DEFAULT_PERSONA.greeting ? { ...persona, greeting: say.defaultGreeting } : persona);
}

/** Commands that mean the same thing at every step. */
function globalCommand(ctx: TurnContext): AssistantTurn | undefined {
  const booking = ctx.fields.bookingInfo;
  const { say } = ctx;
  const criteria = criteriaOf(ctx.fields);
  const { misses: _misses, ...settled } = criteria;
  // A command is understood, so the run of misunderstandings is over.
  const calm = ctx.fields.searchCriteria ? { searchCriteria: settled } : {};
  switch (ctx.parsed.intent) {
    case "start_over":
      return turn(say.startOver, subjectQuickReplies(ctx.subjects), {
        pendingMatch: null,
        bookingInfo: null,
        searchCriteria: { excludeTutorIds: [] },
        availableTutors: [],
      });
    case "leave_message":
      return startHandoff(ctx);
    case "help":
      return turn(say.help, [say.quick.leaveMessage, say.quick.startOver], calm);
    case "cancel_booking":
      // Asked first: only a yes cancels (cancel-flow.ts).
      if (booking?.step === "confirmed" && booking.bookingId) return askToCancel(ctx, booking);
      if (inForm(booking)) return undefined;
      return turn(say.noBookingToCancel, ctx.fields.pendingMatch ? matchQuickReplies(say) : undefined);
    case "reschedule":
      // A confirmed booking is moved by moveTurn; inside the form, the form decides.
      if ((booking?.step === "confirmed" && booking.bookingId) || inForm(booking)) return undefined;
      return turn(say.noBookingToMove, ctx.fields.pendingMatch ? matchQuickReplies(say) : undefined);
    case "join_waitlist":
    case "leave_waitlist":
      return waitlistCommand(ctx, ctx.parsed.intent);
    default:
      return undefined;
  }
}

/** "Join the waitlist" for the slot just taken in this chat; "Leave the waitlist" for it, or for the slot on offer. */
function waitlistCommand(ctx: TurnContext, intent: "join_waitlist" | "leave_waitlist"): AssistantTurn {
  const wanted = criteriaOf(ctx.fields).waitFor;
  if (intent === "join_waitlist") {
    if (!wanted) return turn(ctx.say.noWaitFor);
    return {
      replies: [reply(ctx.say.addingToWaitlist(wanted.tutorName, wanted.slot))],
      patch: {},
      effect: { type: "join_waitlist", wanted, subject: criteriaOf(ctx.fields).skill ?? "" },
    };
  }
  const offered = ctx.fields.bookingInfo?.fromWaitlist ? ctx.fields.bookingInfo : undefined;
  const slot = offered ?? wanted;
  if (!slot) return turn(ctx.say.noWaitlist);
  return {
    replies: [],
    patch: offered && inForm(offered) ? { bookingInfo: null } : {},
    effect: { type: "leave_waitlist", tutorId: slot.tutorId, tutorName: slot.tutorName, slot: slot.slot },
  };
}

/** Everything outside the booking form: searching, browsing matches, starting a booking. */
async function searchTurn(ctx: TurnContext): Promise<AssistantTurn> {
  const { say } = ctx;
  const matchQuick = matchQuickReplies(say);
  const criteria = criteriaOf(ctx.fields);
  // A match kept from days ago may point at an hour that has passed: never book it.
  const match = ctx.fields.pendingMatch && ctx.fields.pendingMatch.slot.date >= ctx.today.date ? ctx.fields.pendingMatch : null;
  const booking = ctx.fields.bookingInfo;
  switch (ctx.parsed.intent) {
    case "other_tutors":
      return showOthers(ctx, criteria);
    case "change_time":
      return changeTime(ctx, criteria);
    case "change_day":
      return changeDay(ctx, criteria);
    case "back":
      return stepBack(ctx, criteria);
    case "book":
      return match ? startBooking(ctx, match) : askNext(criteria, ctx, say.findTutorFirst) ?? runSearch(ctx, criteria);
    case "affirm":
      if (match) return startBooking(ctx, match);
      break;
    case "cancel":
    case "cancel_booking":
      if (booking?.step === "confirmed") return turn(say.sayCancelMyBooking, [say.quick.cancelBooking]);
      return turn(say.nothingToCancel, match ? matchQuick : undefined);
    case "deny":
      if (match) return turn(say.denyAtMatch, [say.quick.others, say.quick.changeTime, say.quick.startOver]);
      break;
    case "thanks":
      return turn(say.welcome, match ? matchQuick : undefined);
    default:
      break;
  }
  if (ctx.parsed.greeting && !namesSomething(ctx.parsed)) {
    const { persona } = ctx.policy;
    if (isFresh(ctx.fields)) return turn(`${greetingIn(persona, say)} ${say.tone[persona.tone].askSubject}`, subjectQuickReplies(ctx.subjects), { searchCriteria: criteria });
    const hello = say.hiAgain(persona.name === DEFAULT_PERSONA.name ? undefined : persona.name);
    return askNext(criteria, ctx, hello) ?? turn(`${hello}${say.matchOptions}`, matchQuick);
  }
  return searchWith(ctx);
}

export async function respond(input: AssistantInput): Promise<AssistantTurn> {
  const { message, catalog } = input;
  // An open cancel question is answered now or closed: no other flow sees (or keeps) it.
  const asked = input.fields.bookingInfo?.cancelAsked ? input.fields.bookingInfo : undefined;
  const fields = asked ? { ...input.fields, bookingInfo: withoutCancelQuestion(asked) } : input.fields;
  const policy = input.policy ?? DEFAULT_CENTER_POLICY;
  const today = localNow(input.now, input.timeZone ?? policy.timeZone);
  const [subjects, tutors, aliases] = await Promise.all([catalog.subjects(), catalog.tutorNames?.() ?? [], catalog.subjectAliases?.() ?? {}]);
  const booking = fields.bookingInfo;
  const draft = criteriaOf(fields).handoff;
  // While the student types a name, a topic or a message for the center, only whole-message commands count.
  const strict = (inForm(booking) && (booking.step === "contact" || booking.step === "details")) || draft?.step === "ask";
  const sure = parseMessage(message, { subjects, tutors, aliases, today, strict });
  // Only a search may take the model's slots: a form, a booking to move, a question asked read the student's words alone.
  const searching = !strict && !draft && !asked && booking?.step !== "confirmed" && !inForm(booking);
  const parsed = searching ? await readUnsure({ parsed: sure, message, subjects, tutors, today, reader: input.reader }) : sure;
  // Outside a hand-off, "change it" means what it always did: move the booking.
  if (!draft && parsed.intent === "edit_message") {
    if (strict) delete parsed.intent;
    else parsed.intent = "reschedule";
  }
  const staffReachable = input.staffReachable ?? true;
  // Answered in the language the message reads in; a message in neither keeps the chat's (language.ts).
  const stored = criteriaOf(fields).lang ?? "en";
  const lang = detectLanguage(message, stored);
  const ctx: TurnContext = { fields, message, parsed, today, now: input.now, policy, catalog, subjects, staffReachable, lang, say: phrasesIn(lang) };
  if (input.memory) ctx.memory = input.memory;
  const remembered = isFresh(fields) && remembersSomething(input.memory) ? input.memory : undefined;

  // A message for the center in the making: the answer is its words, or yes, change or cancel.
  let result = draft ? handoffTurn(ctx, draft) : undefined;
  // A returning student's first message that asks for nothing in particular: greet them and make one offer.
  if (!result && remembered && !ctx.parsed.intent && !namesSomething(ctx.parsed)) result = await welcomeBack(ctx, remembered);
  if (asked) result ??= answerCancelQuestion(ctx, asked);
  result ??= globalCommand(ctx);
  if (!result && booking?.step === "confirmed") result = await moveTurn(ctx, booking);
  if (!result && inForm(booking)) {
    const step = bookingTurn(ctx, booking);
    if (step === LEAVE_FORM) {
      const next = await searchTurn({ ...ctx, fields: { ...fields, bookingInfo: null } });
      result = { ...next, patch: { bookingInfo: null, ...next.patch } };
    } else {
      result = step;
    }
  }
  result ??= await searchTurn(ctx);
  if (asked && result.patch.bookingInfo === undefined) result = { ...result, patch: { ...result.patch, bookingInfo: fields.bookingInfo } };

  if (remembered && !result.replies.some((line) => line.content.startsWith(welcomeLine(remembered, ctx.say)))) {
    result = { ...result, replies: [reply(welcomeLine(remembered, ctx.say)), ...result.replies] };
  }
  const greeting = greetingIn(policy.persona, ctx.say);
  if (isFresh(fields) && !result.replies[0]?.content.startsWith(greeting)) {
    // The first thing anyone hears: this is a bot, not a person (the persona's rules make every greeting say so).
    result = { ...result, replies: [reply(greeting), ...result.replies] };
  }
  if (isFresh(fields) && !result.patch.searchCriteria) {
    result = { ...result, patch: { ...result.patch, searchCriteria: criteriaOf(fields) } };
  }
  return withLanguage(result, fields, lang);
}

/** The chat remembers the language it is answered in (English is the absence of one), whatever the turn wrote. */
function withLanguage(result: AssistantTurn, fields: SessionFields, lang: TurnContext["lang"]): AssistantTurn {
  const written = result.patch.searchCriteria === undefined ? criteriaOf(fields) : result.patch.searchCriteria;
  if (!written || (written.lang ?? "en") === lang) return result;
  const { lang: _old, ...rest } = written;
  return { ...result, patch: { ...result.patch, searchCriteria: lang === "en" ? rest : { ...rest, lang } } };
}
