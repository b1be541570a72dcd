/**
 * The booking form's free-text answers: name and email ("Ada Lovelace,
 * ada@example.com", or one per message), meeting mode and what the student
 * wants to work on.
 */

export interface ContactParse {
  name?: string;
  email?: string;
  /** Something email-like that is not a valid address ("ada@example"). */
  invalidEmail: boolean;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const NAME_LEAD = /^(hi|hello|hey|sure|ok|okay|yes|it'?s|this is|i'?m|i am|my name is|name is|name|call me|and|hola|claro|soy|me llamo|mi nombre es|nombre)(?![\p{L}])[\s:,-]*/iu;
const EMAIL_LEAD = /(?<![\p{L}])(my email is|email is|email address is|my email|email address|email|e-mail|and|at|mi correo es|mi correo|correo electr[oó]nico|correo|y)[\s:,-]*$/iu;
const NAME = /^\p{L}[\p{L}'.-]*(?: \p{L}[\p{L}'.-]*){0,4}$/u;
/**
 * A web address inside a name ("evil.example", "www.site.com"): a dot between letters with two or more after it.
 * Initials ("J.R.R. Tolkien", "Ada L.") have at most one letter after each dot. A name reaches emails and invites.
 */
const ADDRESS_IN_NAME = /\p{L}\.\p{L}{2}/u;
/** Line breaks, tabs and invisible format characters (bidi overrides, zero-width): never part of a name as stored. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** Words that show a sentence, not a name ("I don't know", "what do you need"). */
const NOT_NAME_WORDS = new Set(
  ("i me my you your what why how who which when where don't dont know want need help not no yes book tutor email name please thanks sorry the is are do does can " +
    "yo mi tu que como cuando donde quiero necesito ayuda se sé reservar gracias favor el la es").split(" "),
);

export function parseContact(text: string): ContactParse {
  const found = EMAIL.exec(text);
  const email = found?.[0].replace(/\.$/, "").toLowerCase();
  let remainder = found ? text.slice(0, found.index) + " " + text.slice(found.index + found[0].length) : text;
  const invalidEmail = !found && /\S@|@\S/.test(text);
  if (invalidEmail) remainder = remainder.replace(/\S*@\S*/g, " ");
  const name = extractName(remainder);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}), invalidEmail };
}

/** Spaces collapsed and the punctuation around a name dropped, as the parser reads it. */
function trimName(text: string): string {
  return text.replace(/\s+/g, " ").replace(/^[\s,;:.!-]+|[\s,;:.!-]+$/g, "").trim();
}

function extractName(text: string): string | undefined {
  let candidate = text.replace(/\s+/g, " ").trim();
  for (let i = 0; i < 4; i++) {
    const next = trimName(candidate.replace(NAME_LEAD, "").replace(EMAIL_LEAD, ""));
    if (next === candidate) break;
    candidate = next;
  }
  if (!candidate || candidate.length > 120 || !NAME.test(candidate) || ADDRESS_IN_NAME.test(candidate)) return undefined;
  if (candidate.toLowerCase().split(" ").some((word) => NOT_NAME_WORDS.has(word))) return undefined;
  // Students often type in lowercase; a name reads better capitalized.
  if (candidate === candidate.toLowerCase()) {
    candidate = candidate.replace(/(^|[\s'-])(\p{L})/gu, (_, lead: string, letter: string) => lead + letter.toUpperCase());
  }
  return candidate;
}

/*
 * The booking form checks names and emails with the parser's own rules: it
 * sends `contactMessage(name, email)` to the assistant, so a rule of its own
 * would accept what the assistant then refuses, or changes.
 */

const WHOLE_EMAIL = new RegExp(`^(?:${EMAIL.source})$`, "i");

/** An address the parser reads back whole: "ada@exa_mple.com" or "josé@example.com" are not. */
export function isValidEmail(email: string): boolean {
  return !CONTROL.test(email) && WHOLE_EMAIL.test(email.trim());
}

/**
 * A name the parser reads back as typed, give or take case and the punctuation
 * around it. "Hi Kim" is not one: the parser would take "Hi" for a greeting.
 */
export function isValidName(name: string): boolean {
  if (CONTROL.test(name)) return false;
  const typed = trimName(name);
  return typed !== "" && extractName(typed)?.toLowerCase() === typed.toLowerCase();
}

/**
 * A name or email as a booking keeps it and its emails and invites use it (a saved form, a booking
 * being made): the contact step's rules, and nothing around it left to trim. Empty is "not given yet".
 */
export function isStoredName(name: string): boolean {
  return name === name.trim() && isValidName(name);
}

export function isStoredEmail(email: string): boolean {
  return email === email.trim() && isValidEmail(email);
}

/** The first of a booking's name and email that is not one it may store, or null. */
export function storedContactProblem(name: string, email: string): "name" | "email" | null {
  if (!isStoredName(name)) return "name";
  if (!isStoredEmail(email)) return "email";
  return null;
}

/** The booking form's contact check: the first field the assistant would refuse, or null. */
export function contactProblem(name: string, email: string): "name" | "email" | null {
  if (!isValidName(name)) return "name";
  if (!isValidEmail(email)) return "email";
  return null;
}

export type MeetingMode = "online" | "in_person";

export interface DetailsParse {
  mode?: MeetingMode;
  /** "either", "no preference": the tutor's usual mode will do. */
  anyMode: boolean;
  /** What to work on, in the student's words. */
  intake?: string;
}

/** How a student says where to meet, in English and Spanish (lexicon-es.ts holds the rest of the Spanish). */
export const ONLINE = /\b(online|on line|virtual(ly)?|remote(ly)?|zoom|video( call)?|from home|en l[ií]nea|por zoom|virtualmente|por video(llamada)?|videollamada|a distancia|desde casa)\b/i;
export const IN_PERSON = /\b(in[ -]?person|on campus|face[ -]to[ -]face|f2f|at the (center|library|campus)|presencial(mente)?|en persona|en el campus|cara a cara)\b/i;
const ANY_MODE = /\b(either|either one|both|no preference|doesn'?t matter|whatever|any|cualquiera|me da igual|da igual|ambos|lo que sea)\b/i;
const INTAKE_LEAD = /^(and|also|i'?d like to|i would like to|i want to|i need to|i need help with|help with|to|work on|working on|on|i'?m working on|topic is|topic:|the topic is|y|quiero trabajar en|trabajar en|quiero repasar|ayuda con|sobre|el tema es|tema:)(?![\p{L}])[\s:,-]*/iu;
const NOT_INTAKE = /^(yes|no|ok|okay|sure|either|both|whatever|any|please|thanks|thank you|s[ií]|vale|cualquiera|gracias|por favor)?$/iu;

export function parseDetails(text: string): DetailsParse {
  // The mode named first is the answer ("Online. practice in person interviews" is online); a
  // later mention is part of the topic and stays in it.
  const mentions = [
    { mode: "online" as const, match: ONLINE.exec(text) },
    { mode: "in_person" as const, match: IN_PERSON.exec(text) },
  ].flatMap(({ mode, match }) => (match ? [{ mode, at: match.index, length: match[0].length }] : []));
  const first = mentions.sort((a, b) => a.at - b.at)[0];
  const mode: MeetingMode | undefined = first?.mode;
  const anyMode = !mode && ANY_MODE.test(text);
  let rest = first ? `${text.slice(0, first.at)} ${text.slice(first.at + first.length)}` : text;
  rest = rest.replace(/^\s*(please|i'?d prefer|i prefer|prefer)\b/i, " ");
  if (anyMode) rest = rest.replace(ANY_MODE, " ");
  rest = rest.replace(/\s+/g, " ").replace(/^[\s,;:.!-]+|[\s,;:.!-]+$/g, "").trim();
  for (let i = 0; i < 3; i++) rest = rest.replace(INTAKE_LEAD, "").trim();
  const intake = NOT_INTAKE.test(rest) || !/\p{L}{2}/u.test(rest) ? undefined : rest.slice(0, 1000);
  return { ...(mode ? { mode } : {}), anyMode, ...(intake ? { intake } : {}) };
}
