import { checkSlot, lastBookableDate, type SlotVerdict } from "../center/policy";
import { nextDateFor, toClock, toMinutes } from "../calendar";
import { rankTutors, SESSION_MINUTES, type RankOptions } from "./match";
import { hasCriteria, type ParsedMessage } from "./parse";
import { dayQuickReplies, matchQuickReplies, timeQuickReplies } from "./phrases";
import { ANY_TIME, matchSentence, nearestAllowedSentence } from "./phrasing";
import { narrowTutors } from "./search-narrow";
import type { SearchCriteria } from "./schemas";
import { nearestSubjects, type UnknownSubject } from "./unknown-subject";
import { takenAtRequest, takenAtRequestText } from "./waitlist";
import { criteriaOf, turn } from "./turn-context";
import type { AssistantTurn, TurnContext } from "./turn-types";

/**
 * Gathering what, when and what time, one question at a time, then
 * searching. Every answer is merged into the stored criteria, so a student can
 * say it all at once or across several messages.
 */

const MAX_SHOWN = 5;
const FAVORITE_SUBJECTS = ["Python", "Calculus I", "Essay Writing", "Spanish"];

export function subjectQuickReplies(subjects: readonly string[]): string[] {
  const favorites = FAVORITE_SUBJECTS.filter((subject) => subjects.includes(subject));
  return [...favorites, ...subjects.filter((subject) => !favorites.includes(subject))].slice(0, 4);
}

function hasTime(criteria: SearchCriteria): boolean {
  return Boolean(criteria.timeFrom || criteria.timeTo);
}

/** Day known, or "any day" (a start date without a weekday). */
function hasDay(criteria: SearchCriteria): boolean {
  return Boolean(criteria.day || criteria.date);
}

export function withoutTime(criteria: SearchCriteria): SearchCriteria {
  const { timeFrom: _from, timeTo: _to, misses: _misses, ...rest } = criteria;
  return { ...rest, excludeTutorIds: [] };
}

function withoutDay(criteria: SearchCriteria): SearchCriteria {
  const { day: _day, date: _date, misses: _misses, ...rest } = criteria;
  return { ...rest, excludeTutorIds: [] };
}

/** New answers replace old ones; any change starts the "already shown" list afresh. */
export function mergeCriteria(old: SearchCriteria, parsed: ParsedMessage, today: TurnContext["today"]): SearchCriteria {
  const next: SearchCriteria = { ...old };
  let changed = false;
  if (parsed.skill && parsed.skill !== old.skill) {
    next.skill = parsed.skill;
    changed = true;
  }
  if (parsed.day && parsed.date && (parsed.day !== old.day || parsed.date !== old.date)) {
    next.day = parsed.day;
    next.date = parsed.date;
    changed = true;
  } else if (parsed.startDate && !parsed.day && (old.day || parsed.startDate !== old.date)) {
    // "Next week": any day from that Monday, the soonest first.
    delete next.day;
    next.date = parsed.startDate;
    changed = true;
  } else if (parsed.anyDay && !parsed.day && !hasDay(old)) {
    // No weekday, only a start date: the matcher then prefers the soonest opening.
    delete next.day;
    next.date = today.date;
    changed = true;
  }
  if (parsed.timeFrom || parsed.timeTo) {
    delete next.timeFrom;
    delete next.timeTo;
    if (parsed.timeFrom) next.timeFrom = parsed.timeFrom;
    if (parsed.timeTo) next.timeTo = parsed.timeTo;
    changed ||= next.timeFrom !== old.timeFrom || next.timeTo !== old.timeTo;
  } else if ((parsed.anyTime || (parsed.day && next.date === today.date)) && !hasTime(old)) {
    // "Any time", and "today" without an hour: the soonest hours the center allows.
    next.timeFrom = ANY_TIME.timeFrom;
    next.timeTo = ANY_TIME.timeTo;
    changed = true;
  }
  if (parsed.tutorName && parsed.tutorName !== old.tutorName) {
    next.tutorName = parsed.tutorName;
    changed = true;
  }
  if (parsed.mode && parsed.mode !== old.mode) {
    next.mode = parsed.mode;
    changed = true;
  }
  // "Monday at 10" said on a Monday at 10:05 means next Monday: a weekday named today whose asked-for
  // window has already closed is next week's ("after 2pm", open to the evening, stays today).
  if (next.day && next.date === today.date && next.timeTo && toMinutes(next.timeTo) < today.minutes) {
    next.date = nextDateFor(next.day, today.date, false);
  }
  if (changed) next.excludeTutorIds = [];
  delete next.misses;
  return next;
}

/** The one question that comes next (subject, then day, then time), or undefined when ready to search. */
export function askNext(criteria: SearchCriteria, ctx: TurnContext, lead = ""): AssistantTurn | undefined {
  const patch = { searchCriteria: criteria };
  if (!criteria.skill) {
    return turn(`${lead}${ctx.say.tone[ctx.policy.persona.tone].askSubject}`, subjectQuickReplies(ctx.subjects), patch);
  }
  if (!hasDay(criteria)) {
    const ack = lead || ctx.say.gotSubject(criteria.skill);
    return turn(`${ack}${ctx.say.askDay}`, dayQuickReplies(ctx.say), patch);
  }
  if (!hasTime(criteria)) {
    return turn(`${lead}${ctx.say.askTime(criteria.day)}`, timeQuickReplies(ctx.say), patch);
  }
  return undefined;
}

/**
 * Why the center's rules forbid every start in the day and time the student named, or undefined when
 * some start is allowed (or no day and time were named). A lead time, horizon or closed date is the
 * reason given before opening hours: it is the one the student can act on.
 */
export function refusedRequest(ctx: Pick<TurnContext, "policy" | "now" | "today"> & Partial<Pick<TurnContext, "say">>, criteria: SearchCriteria): string | undefined {
  if (!criteria.day || !(criteria.timeFrom || criteria.timeTo)) return undefined;
  const date = criteria.date && criteria.date >= ctx.today.date ? criteria.date : nextDateFor(criteria.day, ctx.today.date);
  const from = criteria.timeFrom ? toMinutes(criteria.timeFrom) : 0;
  const to = criteria.timeTo ? toMinutes(criteria.timeTo) : 23 * 60;
  const refusals: Extract<SlotVerdict, { ok: false }>[] = [];
  for (let start = from; start <= to; start += 30) {
    const verdict = checkSlot(ctx.policy, { date, start: toClock(start), end: toClock(start + SESSION_MINUTES) }, ctx.now, ctx.say?.rule);
    if (verdict.ok) return undefined;
    refusals.push(verdict);
  }
  return (refusals.find((verdict) => verdict.rule !== "closed_hours") ?? refusals[0])?.explanation;
}

/** The student's avoided tutors and hours, for the matcher (none without memory). */
export function avoidOf(ctx: Pick<TurnContext, "memory">): RankOptions["avoid"] {
  return ctx.memory ? { tutorNames: ctx.memory.avoidTutors, times: ctx.memory.avoidTimes } : undefined;
}

/** Searches the catalog and presents the best match; `others` words it as "another option". */
export async function runSearch(ctx: TurnContext, criteria: SearchCriteria, others = false): Promise<AssistantTurn> {
  const { say } = ctx;
  const skill = criteria.skill ?? "";
  const teaching = await ctx.catalog.findBySkill(skill);
  // A tutor or a way to meet the student asked for narrows who is offered (search-narrow.ts).
  const { tutors, lead: wish, only } = narrowTutors(teaching, criteria, say);
  const booked = tutors.length ? await ctx.catalog.bookedSlots(tutors.map((tutor) => tutor.id), ctx.today.date) : [];
  // A date past the horizon cannot be booked: rank from today, so the nearest allowed slots come up.
  const tooFar = criteria.date !== undefined && criteria.date > lastBookableDate(ctx.policy, ctx.now);
  const { date: _date, ...fromToday } = criteria;
  const ranked = rankTutors(tutors, tooFar ? fromToday : criteria, { today: ctx.today, limit: MAX_SHOWN, booked, policy: { rules: ctx.policy, now: ctx.now }, avoid: avoidOf(ctx) });
  // The day and time asked for break a rule of the center's: say which, then offer the nearest allowed slot.
  const refusal = refusedRequest(ctx, criteria);
  const best = ranked[0];
  if (!best) {
    if (tutors.length === 0) {
      return turn(
        say.noTutors(skill),
        [say.quick.leaveMessage, say.quick.startOver],
        { searchCriteria: criteria, pendingMatch: null, availableTutors: [] },
      );
    }
    const quick = ctx.fields.pendingMatch ? [say.quick.book, say.quick.changeTime, say.quick.startOver] : [say.quick.changeTime, say.quick.startOver];
    const lead = `${wish}${refusal ? `${refusal} ` : ""}`;
    if (only) return turn(`${lead}${say.noOpeningWith(only)}`, [say.quick.others, ...quick], { searchCriteria: criteria });
    return turn(`${lead}${say.everyoneShown(skill)}`, [...quick, say.quick.leaveMessage], {
      searchCriteria: criteria,
    });
  }
  const waitFor = refusal ? undefined : takenAtRequest(criteria, { tutors, booked, shown: ranked.map((entry) => entry.match) });
  // An offer inside a window says where it looked ("I looked between 13:00 and 17:00.").
  const searched = best.kind === "exact" && !others ? say.searched(criteria, ctx.today.date) : "";
  const sentence = refusal ? `${refusal} ${nearestAllowedSentence(best, criteria, say)}` : `${searched}${matchSentence(best, criteria, others, only, say)}`;
  const quick = matchQuickReplies(say);
  return turn(`${wish}${waitFor ? `${takenAtRequestText(waitFor, say)} ` : ""}${sentence}`, waitFor ? [...quick, say.quick.joinWaitlist] : quick, {
    searchCriteria: waitFor ? { ...criteria, waitFor } : criteria,
    pendingMatch: best.match,
    availableTutors: ranked.map((entry) => entry.match),
  });
}

async function askOrSearch(ctx: TurnContext, criteria: SearchCriteria, lead = ""): Promise<AssistantTurn> {
  return askNext(criteria, ctx, lead) ?? runSearch(ctx, criteria);
}

export async function showOthers(ctx: TurnContext, asked: SearchCriteria): Promise<AssistantTurn> {
  // Other tutors: the one asked for by name no longer narrows the search.
  const { tutorName: _tutorName, ...criteria } = asked;
  const pending = ctx.fields.pendingMatch;
  if (!pending) return askOrSearch(ctx, criteria);
  const excludeTutorIds = [...new Set([...criteria.excludeTutorIds, pending.tutor.id])];
  return runSearch(ctx, { ...criteria, excludeTutorIds }, true);
}

export async function changeTime(ctx: TurnContext, criteria: SearchCriteria): Promise<AssistantTurn> {
  const next = withoutTime(criteria);
  const result = await askOrSearch(ctx, mergeCriteria(next, ctx.parsed, ctx.today), ctx.say.sure);
  return { ...result, patch: { pendingMatch: null, availableTutors: [], ...result.patch } };
}

export async function changeDay(ctx: TurnContext, criteria: SearchCriteria): Promise<AssistantTurn> {
  const next = withoutDay(criteria);
  const result = await askOrSearch(ctx, mergeCriteria(next, ctx.parsed, ctx.today), ctx.say.sure);
  return { ...result, patch: { pendingMatch: null, availableTutors: [], ...result.patch } };
}

/** Outside the booking form, "back" takes back the latest answer: time, then day, then subject. */
export async function stepBack(ctx: TurnContext, criteria: SearchCriteria): Promise<AssistantTurn> {
  if (hasTime(criteria)) return changeTime(ctx, criteria);
  if (hasDay(criteria)) return changeDay(ctx, criteria);
  if (criteria.skill) {
    const { skill: _skill, ...rest } = criteria;
    return { ...turn(ctx.say.backToSubject, subjectQuickReplies(ctx.subjects)), patch: { searchCriteria: { ...rest, excludeTutorIds: [] } } };
  }
  return turn(ctx.say.nothingToGoBack, subjectQuickReplies(ctx.subjects));
}

/** The student said something new about subject, day or time (or nothing we understood). */
export async function searchWith(ctx: TurnContext): Promise<AssistantTurn> {
  const criteria = criteriaOf(ctx.fields);
  const { parsed } = ctx;
  if (parsed.unknownSubject && !parsed.skill && !parsed.skillOptions) return notOffered(ctx, mergeCriteria(criteria, parsed, ctx.today), parsed.unknownSubject);
  if (!hasCriteria(parsed) && !parsed.tutorName && !parsed.mode) return clarify(ctx, criteria);
  const merged = mergeCriteria(criteria, parsed, ctx.today);
  if (parsed.skillOptions && !parsed.skill) {
    const options = parsed.skillOptions;
    return turn(ctx.say.whichOne(options), options, { searchCriteria: merged });
  }
  return askOrSearch(ctx, merged);
}

/** A subject the center does not offer: say so, and offer the nearest ones it does (a day or time said with it is kept). */
function notOffered(ctx: TurnContext, criteria: SearchCriteria, unknown: UnknownSubject): AssistantTurn {
  const nearest = nearestSubjects(unknown, ctx.subjects, subjectQuickReplies(ctx.subjects));
  const quick = ctx.staffReachable ? [...nearest, ctx.say.quick.leaveMessage] : nearest;
  return turn(ctx.say.notOffered(unknown, nearest), quick, { searchCriteria: criteria });
}

/** What the student can do next, for when a message was not understood. */
function currentQuestion(criteria: SearchCriteria, ctx: TurnContext): AssistantTurn {
  const next = askNext(criteria, ctx);
  if (next) return next;
  if (ctx.fields.pendingMatch) return turn(ctx.say.matchOptions, matchQuickReplies(ctx.say));
  return turn(ctx.say.tellMe);
}

export function clarify(ctx: TurnContext, criteria: SearchCriteria): AssistantTurn {
  const misses = (criteria.misses ?? 0) + 1;
  const patch = { searchCriteria: { ...criteria, misses } };
  const phrases = ctx.say.tone[ctx.policy.persona.tone];
  if (misses >= 2) {
    return turn(
      ctx.say.stillNotUnderstood(phrases.stillNotUnderstood),
      [ctx.say.quick.leaveMessage, ctx.say.quick.startOver],
      patch,
    );
  }
  const next = currentQuestion(criteria, ctx);
  const first = next.replies[0];
  const hint = criteria.skill ? "" : ctx.say.knownSubjects(subjectQuickReplies(ctx.subjects));
  return turn(`${phrases.notUnderstood}${hint} ${first?.content ?? ""}`.trim(), first?.quickReplies, patch);
}
