import { SKILL_ALIASES, SKILL_GROUPS } from "./skill-aliases";
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
}

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
    "understand struggling problems problem question questions minutes hours mondays people paper papers"
  ).split(" "),
);

/** "Calculus I" must not swallow the pronoun in "calculus I need help". */
const AFTER_PRONOUN_I = new Set(
  "need want am have think was would will can could should really also just guess hope do dont did got know mean".split(" "),
);

function buildPhrases(subjects: readonly string[]): Phrase[] {
  const byLower = new Map(subjects.map((subject) => [subject.toLowerCase(), subject]));
  const phrases: Phrase[] = [];
  const add = (text: string, target: Omit<Phrase, "words" | "key">) => {
    const phraseWords = words(text);
    if (phraseWords.length > 0) phrases.push({ words: phraseWords, key: phraseWords.join(" "), ...target });
  };
  for (const subject of subjects) add(subject, { skill: subject });
  for (const [alias, canonical] of Object.entries(SKILL_ALIASES)) {
    const skill = byLower.get(canonical.toLowerCase());
    if (skill) add(alias, { skill });
  }
  for (const [word, members] of Object.entries(SKILL_GROUPS)) {
    const options = members.flatMap((member) => byLower.get(member.toLowerCase()) ?? []);
    if (options.length === 1) add(word, { skill: options[0] });
    else if (options.length > 1) add(word, { options });
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

function exactHits(text: string, tokens: Token[], phrases: Phrase[], used: boolean[]): Hit[] {
  const byKey = new Map(phrases.map((phrase) => [phrase.key, phrase]));
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; ) {
    let advanced = false;
    for (let n = Math.min(5, tokens.length - i); n >= 1; n--) {
      if (!contiguous(text, tokens, i, n)) continue;
      const key = tokens.slice(i, i + n).map((t) => t.word).join(" ");
      const phrase = byKey.get(key);
      if (!phrase || !acceptable(phrase, tokens, i, n)) continue;
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

function fuzzyHits(text: string, tokens: Token[], phrases: Phrase[], used: boolean[]): Hit[] {
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
      for (const phrase of phrases) {
        if (phrase.words.length !== n || phrase.key[0] !== key[0]) continue;
        // Numbers carry meaning ("calc 2" vs "calc 1"): they must match exactly.
        if (window.some((t, k) => /\d/.test(t.word) && t.word !== phrase.words[k])) continue;
        const distance = editDistance(key, phrase.key, allowance);
        if (distance <= allowance && (!best || distance < best.distance)) best = { phrase, distance };
      }
      if (!best || !acceptable(best.phrase, tokens, i, n)) continue;
      hits.push({ phrase: best.phrase, span: [window[0]?.start ?? 0, window[n - 1]?.end ?? 0] });
      for (let k = i; k < i + n; k++) used[k] = true;
    }
  }
  return hits;
}

/** `text` must already be normalized (see `normalize`). */
export function parseSkill(text: string, subjects: readonly string[]): SkillParse {
  const phrases = buildPhrases(subjects);
  const tokens = tokenize(text);
  const used = tokens.map(() => false);
  const exact = exactHits(text, tokens, phrases, used);
  // Mention order decides which subject is offered first when several are named.
  const hits = [...exact, ...fuzzyHits(text, tokens, phrases, used)].sort((a, b) => a.span[0] - b.span[0]);
  const spans = hits.map((hit) => hit.span);
  const skills = [...new Set(hits.flatMap((hit) => hit.phrase.skill ?? []))];
  if (skills.length === 1) return { skill: skills[0], spans };
  if (skills.length > 1) return { options: skills.slice(0, 6), spans };
  const group = hits.find((hit) => hit.phrase.options);
  if (group?.phrase.options) return { options: group.phrase.options.slice(0, 6), spans };
  return { spans };
}
