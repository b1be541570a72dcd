import type { LocalNow } from "../calendar";
import type { CenterAliases } from "./center-aliases";
import type { MeetingMode } from "./parse-contact";
import { RETRACTED_ES } from "./lexicon-es";
import { parseIntent, type Intent } from "./parse-intent";
import { parseSkill } from "./parse-skill";
import { parseTutorAndMode } from "./parse-tutor";
import { parseWhen, type WhenParse } from "./parse-when";
import { normalize, splitCourseCodes, tidy } from "./text";
import { findUnknownSubject, type UnknownSubject } from "./unknown-subject";

/**
 * One student message, understood: a command (if any) and whatever search
 * criteria it carries. Pure and deterministic; `today` stands in for the clock.
 * The order matters: what a correction takes back goes first ("4 not 3"),
 * then tutor names and meeting mode, then subjects, and only then days and
 * times, each reading the text with the words before it blanked out.
 */

export type { Intent } from "./parse-intent";
export { parseContact, parseDetails, type ContactParse, type DetailsParse, type MeetingMode } from "./parse-contact";

export interface ParsedMessage extends WhenParse {
  intent?: Intent;
  greeting: boolean;
  /** Text for the tutoring center after "leave a message". */
  note?: string;
  skill?: string;
  /** Several subjects could be meant; ask the student to pick. */
  skillOptions?: string[];
  /** A subject the student clearly asked for that the catalog does not carry ("help with piano"). */
  unknownSubject?: UnknownSubject;
  /** A tutor asked for by name, spelled as the catalog spells it. */
  tutorName?: string;
  /** Where the student wants to meet. */
  mode?: MeetingMode;
}

export interface ParseContext {
  /** The catalog's subject names; only these can be recognized. */
  subjects: readonly string[];
  /** The catalog's tutor names; only these can be asked for by name. */
  tutors?: readonly string[];
  /** The center's own names for its subjects ("MATH 151"), staff-edited; matched like the built-in aliases. */
  aliases?: CenterAliases;
  today: LocalNow;
  /** Only whole-message commands count (the student is typing free text). */
  strict?: boolean;
}

function blank(text: string, spans: ReadonlyArray<[number, number]>): string {
  let result = text;
  for (const [start, end] of spans) result = result.slice(0, start) + " ".repeat(end - start) + result.slice(end);
  return result;
}

/** What a correction takes back: "4 not 3", "not monday, tuesday", "instead of friday", "thursday doesn't work". */
const RETRACTED = [
  /\b(?:not|instead of|rather than|can'?t do|cannot do|can'?t make|no longer)\s+(?!before\b|after\b|later\b|earlier\b)(?:(?:free|available|around|good|great|here) )?(?:(?:the|on|at) )?[^\s,.;!?]+(?: (?:\d{1,3}[a-d]?|i{1,3}|\d{1,2}(?:st|nd|rd|th)|[ap]m))?/g,
  /[^\s,.;!?]+\s+(?=(?:doesn'?t|does not|won'?t|wont|will not|isn'?t|is not)\s+(?:work|good|possible|great)\b)/g,
  ...RETRACTED_ES,
];

function withoutRetracted(text: string): string {
  return RETRACTED.reduce((current, pattern) => current.replace(pattern, (found) => " ".repeat(found.length)), text);
}

export function parseMessage(message: string, context: ParseContext): ParsedMessage {
  const intentParse = parseIntent(tidy(message), context.strict ?? false);
  const text = withoutRetracted(splitCourseCodes(normalize(intentParse.rest)));
  const people = parseTutorAndMode(text, context.tutors ?? []);
  const withoutPeople = blank(text, people.spans);
  const skillParse = parseSkill(withoutPeople, context.subjects, context.aliases);
  // Subject words are blanked out so "calc 2 at 10" keeps 2 out of the time.
  const withoutSkill = blank(withoutPeople, skillParse.spans);
  const when = parseWhen(withoutSkill.replace(/\s+/g, " ").trim(), context.today);
  const parsed: ParsedMessage = { greeting: intentParse.greeting, ...when };
  if (intentParse.intent) parsed.intent = intentParse.intent;
  if (intentParse.note) parsed.note = intentParse.note;
  if (skillParse.skill) parsed.skill = skillParse.skill;
  if (skillParse.options) parsed.skillOptions = skillParse.options;
  if (!skillParse.skill && !skillParse.options) {
    const unknown = findUnknownSubject(withoutPeople, context.subjects);
    if (unknown) parsed.unknownSubject = unknown;
  }
  if (people.tutorName) parsed.tutorName = people.tutorName;
  if (people.mode) parsed.mode = people.mode;
  return parsed;
}

/** True when the message asked for something: a subject (even one the center does not offer), a day, a time, a tutor or a way to meet. */
export function namesSomething(parsed: ParsedMessage): boolean {
  return hasCriteria(parsed) || parsed.unknownSubject !== undefined || parsed.tutorName !== undefined || parsed.mode !== undefined;
}

/** True when the message told us something about what, when or what time. */
export function hasCriteria(parsed: ParsedMessage): boolean {
  return Boolean(
    parsed.skill || parsed.skillOptions || parsed.day || parsed.startDate || parsed.timeFrom || parsed.timeTo || parsed.anyTime || parsed.anyDay,
  );
}
