import { SKILL_ALIASES } from "./skill-aliases";
import { fold } from "./text";

/**
 * How every catalog spells a subject for lookups: the in-memory catalog, the
 * D1 catalog (its `subject_key` column) and the directory search. One
 * function, so "Calculus  II", "calculus ii" and "calc 2" find the same tutors
 * whether D1 answers or the fallback does.
 */

/** Trimmed, single-spaced, lower case: the form D1's `subject_key` column stores. */
export function subjectKey(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * The alias's subject key, if `key` is an alias. An own-property lookup, so
 * "constructor" or "__proto__" are just words, not the table's inherited members.
 */
function aliasKey(key: string): string | undefined {
  // Aliases are written without accents: "química" finds Chemistry.
  const folded = fold(key);
  return Object.hasOwn(SKILL_ALIASES, folded) ? subjectKey(SKILL_ALIASES[folded]!) : undefined;
}

/**
 * The subject keys `findBySkill(skill)` tries, in order: a subject of that name,
 * then the subject the alias stands for. The first one some tutor teaches wins,
 * so a subject spelled like an alias is never hidden behind the alias.
 */
export function skillKeys(skill: string): string[] {
  const key = subjectKey(skill);
  const alias = aliasKey(key);
  return alias && alias !== key ? [key, alias] : [key];
}

/** The directory's search prefix for what a student typed: the alias's subject first, else the words. */
export function directoryPrefix(query: string): string {
  const key = subjectKey(query);
  return aliasKey(key) ?? key;
}

/**
 * What a catalog's `subjects()` answers: each subject once, however many
 * tutors spell it (the first spelling wins), sorted the same way in Node and
 * in workerd.
 */
export function subjectList(spellings: Iterable<string>): string[] {
  const byKey = new Map<string, string>();
  for (const spelling of spellings) {
    const key = subjectKey(spelling);
    if (!byKey.has(key)) byKey.set(key, spelling);
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b, "en"));
}
