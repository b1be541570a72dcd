import type { LocalNow } from "./clock";
import { parseIntent, type Intent } from "./parse-intent";
import { parseSkill } from "./parse-skill";
import { parseWhen, type WhenParse } from "./parse-when";
import { normalize, tidy } from "./text";
import { findUnknownSubject, type UnknownSubject } from "./unknown-subject";

/**
 * One student message, understood: a command (if any) and whatever search
 * criteria it carries. Pure and deterministic; `today` stands in for the clock.
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
}

export interface ParseContext {
  /** The catalog's subject names; only these can be recognized. */
  subjects: readonly string[];
  today: LocalNow;
  /** Only whole-message commands count (the student is typing free text). */
  strict?: boolean;
}

export function parseMessage(message: string, context: ParseContext): ParsedMessage {
  const intentParse = parseIntent(tidy(message), context.strict ?? false);
  const text = normalize(intentParse.rest);
  const skillParse = parseSkill(text, context.subjects);
  // Subject words are blanked out so "calc 2 at 10" keeps 2 out of the time.
  let withoutSkill = text;
  for (const [start, end] of skillParse.spans) {
    withoutSkill = withoutSkill.slice(0, start) + " ".repeat(end - start) + withoutSkill.slice(end);
  }
  const when = parseWhen(withoutSkill.replace(/\s+/g, " ").trim(), context.today);
  const parsed: ParsedMessage = { greeting: intentParse.greeting, ...when };
  if (intentParse.intent) parsed.intent = intentParse.intent;
  if (intentParse.note) parsed.note = intentParse.note;
  if (skillParse.skill) parsed.skill = skillParse.skill;
  if (skillParse.options) parsed.skillOptions = skillParse.options;
  if (!skillParse.skill && !skillParse.options) {
    const unknown = findUnknownSubject(text, context.subjects);
    if (unknown) parsed.unknownSubject = unknown;
  }
  return parsed;
}

/** True when the message asked for something, even a subject the center does not offer. */
export function namesSomething(parsed: ParsedMessage): boolean {
  return hasCriteria(parsed) || parsed.unknownSubject !== undefined;
}

/** True when the message told us something about what, when or what time. */
export function hasCriteria(parsed: ParsedMessage): boolean {
  return Boolean(
    parsed.skill || parsed.skillOptions || parsed.day || parsed.timeFrom || parsed.timeTo || parsed.anyTime || parsed.anyDay,
  );
}
