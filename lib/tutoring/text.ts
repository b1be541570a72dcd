/**
 * Small text helpers shared by the parsers: one normalization so every parser
 * sees the same words, and an edit distance for forgiving typos.
 */

/** Straight quotes, plain dashes, single spaces; case kept. */
export function tidy(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/** Without accents ("miércoles" → "miercoles", "mañana" → "manana"), so Spanish typed either way reads the same. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "");
}

/** Course codes typed without a space read like with one: "math151" is "math 151" (`text` lower case). */
export function splitCourseCodes(text: string): string {
  return text.replace(/\b([a-z]{2,5})(\d{1,4}[a-d]?)\b/g, "$1 $2");
}

/** Tidy, lowercase and without accents; keeps the symbols subject names use (c++, c#, a&p). */
export function normalize(text: string): string {
  return fold(tidy(text).toLowerCase());
}

export interface Token {
  word: string;
  start: number;
  end: number;
}

/** Words of a normalized text with their positions, so a recognized phrase can be cut out. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}+#&']*/gu)) {
    const word = match[0].replace(/'+$/, "");
    tokens.push({ word, start: match.index, end: match.index + word.length });
  }
  return tokens;
}

/** The words of a phrase, tokenized the same way as user text. */
export function words(phrase: string): string[] {
  return tokenize(normalize(phrase)).map((token) => token.word);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent swaps, so
 * "pyhton" is one edit from "python"). Stops early once `limit` is exceeded.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
      rowMin = Math.min(rowMin, best);
    }
    rows.push(row);
    if (i > 0 && rowMin > limit) return limit + 1;
  }
  return rows[a.length]?.[b.length] ?? limit + 1;
}

/** How many typos a word of this length may carry and still count. */
export function typoAllowance(length: number): number {
  if (length >= 8) return 2;
  if (length >= 5) return 1;
  return 0;
}
