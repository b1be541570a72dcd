import { normalize, splitCourseCodes, words } from "./text";

/**
 * The center's own names for its subjects ("MATH 151" → Calculus I), kept in D1 (`subject_aliases`)
 * and edited by staff on /staff/tutors. The reader matches them as it matches the built-in
 * nicknames (parse-skill.ts), as whole words; a center alias wins over a built-in one spelled the same.
 */

/** Alias key → the catalog's spelling of its subject. */
export type CenterAliases = Readonly<Record<string, string>>;

/**
 * How an alias is compared: lower case, no accents, punctuation as spaces, a course code split from
 * its number ("MATH151", "math-151" and "Math 151" are one alias), as the reader reads a message.
 */
export function centerAliasKey(alias: string): string {
  return words(splitCourseCodes(normalize(alias))).join(" ");
}

/** The aliases whose subject the catalog still carries, keyed for the reader. */
export function centerAliasTable(rows: readonly { aliasKey: string; subject: string }[], subjects: readonly string[]): CenterAliases {
  const bySubject = new Map(subjects.map((subject) => [subject.toLowerCase(), subject]));
  const table: Record<string, string> = {};
  for (const row of rows) {
    const subject = bySubject.get(row.subject.toLowerCase());
    if (subject) table[row.aliasKey] = subject;
  }
  return table;
}
