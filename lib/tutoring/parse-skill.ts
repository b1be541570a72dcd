import type { CenterAliases } from "./center-aliases";
import { DEPARTMENTS, SKILL_ALIASES, SKILL_GROUPS, TOPIC_ALIASES } from "./skill-aliases";
import { editDistance, tokenize, typoAllowance, words, type Token } from "./text";

/**
 * Finds the subject a student means in free text, against the subjects the
 * catalog actually has. Exact words and aliases first (longest phrase wins),
 * then small typos. A family word ("math") yields options instead of a guess.
 */

export interface SkillParse {
  /** A catalog subject name, spelled as the catalog spells it. */
  skill?: string;
  /** Several plausible subjects; the assistant asks which one. */
  options?: string[];
  /** Character ranges of the words that named a subject, so other parsers skip them. */
  spans: Array<[number, number]>;
}

interface Phrase {
  words: string[];
  key: string;
  skill?: string;
  options?: string[];
  /** A topic ("recursion"): it counts only when no subject is named outright. */
  weak?: boolean;
  /** A department word ("span"): a subject only with a course number after it. */
  needsNumber?: boolean;
}

/** A course number after a subject word: "101", "1a", "4A", "110b" (not "3pm"). */
const COURSE_NUMBER = /^\d{1,3}[a-d]?$/;

/** Words that are never a typo of a subject, so "other" or "change" can't fuzz into one. */
const NOT_SUBJECTS = new Set(
  (
    "i me my need needs help with on at for the a an and or to in of is it this that tutor tutors tutoring " +
    "session sessions class classes course homework book booking other others show change time times day days " +
    "today tomorrow weekend morning afternoon evening night tonight noon monday tuesday wednesday thursday friday " +
    "saturday sunday please thanks thank hello hi hey want would like could can someone else different another " +
    "back cancel start over reset message leave human person email name yes no okay sure after before around " +
    "about between from until next week free available works work good great there their where what when which " +
    "some anyone looking find learn learning study studying exam test quiz final midterm project really better " +
    "understand struggling problems problem question questions minutes hours mondays people paper papers " +
    // Spanish words that sit next to subjects and must not fuzz into one ("martes" is not "mates").
    "lunes martes miercoles jueves viernes sabado domingo manana tarde noche hoy hora horas dia dias semana " +
    "quiero necesito busco ayuda ayudar clase clases tutor tutora tutores tutoria por favor gracias hola con para " +
    "una uno unos unas los las del que como tengo tienen hay puedes mejor otro otra antes despues entre"
  ).split(" "),
);

/** "Calculus I" must not swallow the pronoun in "calculus I need help". */
const AFTER_PRONOUN_I = new Set(
  "need want am have think was would will can could should really also just guess hope do dont did got know mean".split(" "),
);

/** The phrases, by key for exact hits and by word count and first letter for typos. */
interface PhraseIndex {
  byKey: Map<string, Phrase>;
  byShape: Map<string, Phrase[]>;
}

/** Built once per catalog subject list (a few lists at most live at a time). */
const indexes = new Map<string, PhraseIndex>();

function phraseIndex(subjects: readonly string[], centerAliases: CenterAliases): PhraseIndex {
  const cacheKey = `${subjects.join("\n")}\n\n${Object.entries(centerAliases).join("\n")}`;
  const cached = indexes.get(cacheKey);
  if (cached) return cached;
  const phrases = buildPhrases(subjects, centerAliases);
  const byShape = new Map<string, Phrase[]>();
  for (const phrase of phrases) {
    const shape = `${phrase.words.length}:${phrase.key[0] ?? ""}`;
    byShape.set(shape, [...(byShape.get(shape) ?? []), phrase]);
  }
  const index = { byKey: new Map(phrases.map((phrase) => [phrase.key, phrase])), byShape };
  if (indexes.size >= 8) indexes.clear();
  indexes.set(cacheKey, index);
  return index;
}

function buildPhrases(subjects: readonly string[], centerAliases: CenterAliases): Phrase[] {
  const byLower = new Map(subjects.map((subject) => [subject.toLowerCase(), subject]));
  const phrases: Phrase[] = [];
  const add = (text: string, target: Omit<Phrase, "words" | "key">) => {
    const phraseWords = words(text);
    if (phraseWords.length > 0) phrases.push({ words: phraseWords, key: phraseWords.join(" "), ...target });
  };
  for (const subject of subjects) add(subject, { skill: subject });
  for (const [alias, canonical] of Object.entries(SKILL_ALIASES)) {
    const skill = byLower.get(canonical.toLowerCase());
    if (skill) add(alias, Object.hasOwn(TOPIC_ALIASES, alias) ? { skill, weak: true } : { skill });
  }
  for (const [department, canonical] of Object.entries(DEPARTMENTS)) {
    const skill = byLower.get(canonical.toLowerCase());
    if (skill) add(department, { skill, needsNumber: true });
  }
  for (const [word, members] of Object.entries(SKILL_GROUPS)) {
    const options = members.flatMap((member) => byLower.get(member.toLowerCase()) ?? []);
    if (options.length === 1) add(word, { skill: options[0] });
    else if (options.length > 1) add(word, { options });
  }
  // The center's own names last: spelled like a built-in alias, theirs wins (the key index keeps the last).
  for (const [alias, subject] of Object.entries(centerAliases)) {
    const skill = byLower.get(subject.toLowerCase());
    if (skill) add(alias, { skill });
  }
  return phrases;
}

/** Tokens i..i+n-1 form one phrase only when nothing but a space, hyphen, slash, ampersand or dot separates them. */
function contiguous(text: string, tokens: Token[], i: number, n: number): boolean {
  for (let k = i; k < i + n - 1; k++) {
    const left = tokens[k];
    const right = tokens[k + 1];
    if (!left || !right) return false;
    if (!/^(?:\s+|\s*[-/&]\s*|\.)$/.test(text.slice(left.end, right.start))) return false;
  }
  return true;
}

function acceptable(phrase: Phrase, tokens: Token[], i: number, n: number): boolean {
  if (phrase.words[phrase.words.length - 1] !== "i") return true;
  const next = tokens[i + n]?.word;
  return next === undefined || !AFTER_PRONOUN_I.has(next);
}

interface Hit {
  phrase: Phrase;
  span: [number, number];
}

/** Whether token `i` is a course number belonging to the subject word before it ("chem 101", not "chem 3 pm"). */
function courseNumberAt(text: string, tokens: Token[], i: number): boolean {
  const token = tokens[i];
  const before = tokens[i - 1];
  if (!token || !before || !COURSE_NUMBER.test(token.word) || /\d$/.test(before.word)) return false;
  if (!contiguous(text, tokens, i - 1, 2)) return false;
  const after = text.slice(token.end);
  return !/^\s*(?::|\/\d|[ap]\.?m\b|[ap]\b|o'?clock|ish\b|-?ish\b)/.test(after);
}

function exactHits(text: string, tokens: Token[], { byKey }: PhraseIndex, used: boolean[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; ) {
    let advanced = false;
    for (let n = Math.min(5, tokens.length - i); n >= 1; n--) {
      if (!contiguous(text, tokens, i, n)) continue;
      const key = tokens.slice(i, i + n).map((t) => t.word).join(" ");
      const phrase = byKey.get(key);
      if (!phrase || !acceptable(phrase, tokens, i, n)) continue;
      // A course number after the subject is part of it: "chem 101" keeps 101 out of the time.
      const numbered = courseNumberAt(text, tokens, i + n);
      if (phrase.needsNumber && !numbered) continue;
      if (numbered) n += 1;
      hits.push({ phrase, span: [tokens[i]?.start ?? 0, tokens[i + n - 1]?.end ?? 0] });
      for (let k = i; k < i + n; k++) used[k] = true;
      i += n;
      advanced = true;
      break;
    }
    if (!advanced) i++;
  }
  return hits;
}

function fuzzyHits(text: string, tokens: Token[], { byShape }: PhraseIndex, used: boolean[]): Hit[] {
  const hits: Hit[] = [];
  for (let n = 3; n >= 1; n--) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const window = tokens.slice(i, i + n);
      if (used.slice(i, i + n).some(Boolean) || !contiguous(text, tokens, i, n)) continue;
      if (window.some((t) => NOT_SUBJECTS.has(t.word))) continue;
      const key = window.map((t) => t.word).join(" ");
      const allowance = typoAllowance(key.length);
      if (allowance === 0) continue;
      let best: { phrase: Phrase; distance: number } | undefined;
      for (const phrase of byShape.get(`${n}:${key[0] ?? ""}`) ?? []) {
        // Numbers carry meaning ("calc 2" vs "calc 1"): they must match exactly.
        if (window.some((t, k) => /\d/.test(t.word) && t.word !== phrase.words[k])) continue;
        const distance = editDistance(key, phrase.key, allowance);
        if (distance <= allowance && (!best || distance < best.distance)) best = { phrase, distance };
      }
      if (!best || best.phrase.needsNumber || !acceptable(best.phrase, tokens, i, n)) continue;
      hits.push({ phrase: best.phrase, span: [window[0]?.start ?? 0, window[n - 1]?.end ?? 0] });
      for (let k = i; k < i + n; k++) used[k] = true;
    }
  }
  return hits;
}

/** `text` must already be normalized (see `normalize`). */
export function parseSkill(text: string, subjects: readonly string[], centerAliases: CenterAliases = {}): SkillParse {
  const phrases = phraseIndex(subjects, centerAliases);
  const tokens = tokenize(text);
  const used = tokens.map(() => false);
  const exact = exactHits(text, tokens, phrases, used);
  // Mention order decides which subject is offered first when several are named.
  const found = [...exact, ...fuzzyHits(text, tokens, phrases, used)].sort((a, b) => a.span[0] - b.span[0]);
  const spans = found.map((hit) => hit.span);
  // A topic only decides when no subject is named: "recursion in Java" is Java.
  const named = found.some((hit) => !hit.phrase.weak && (hit.phrase.skill || hit.phrase.options));
  const hits = named ? found.filter((hit) => !hit.phrase.weak) : found;
  const skills = [...new Set(hits.flatMap((hit) => hit.phrase.skill ?? []))];
  if (skills.length === 1) return { skill: skills[0], spans };
  if (skills.length > 1) return { options: skills.slice(0, 6), spans };
  const group = hits.find((hit) => hit.phrase.options);
  if (group?.phrase.options) return { options: group.phrase.options.slice(0, 6), spans };
  return { spans };
}
