import { EN } from "./en";
import { ES } from "./es";
import type { Language } from "../schemas";
import type { Phrases } from "./types";

/**
 * The languages the assistant answers in: one file each. Adding a language is
 * adding its file here, its words to the reader (a lexicon like lexicon-es.ts)
 * and its markers to language.ts.
 */
export const LANGUAGES: Readonly<Record<Language, Phrases>> = { en: EN, es: ES };
export type { Language } from "../schemas";
export type { Phrases, QuickKey } from "./types";

export function phrasesIn(language: Language | undefined): Phrases {
  return LANGUAGES[language ?? "en"];
}

/** The quick replies under an offered tutor. */
export function matchQuickReplies(say: Phrases): string[] {
  return [say.quick.book, say.quick.others, say.quick.changeTime];
}

export function dayQuickReplies(say: Phrases): string[] {
  return [say.quick.today, say.quick.tomorrow, say.quick.thisWeekend];
}

export function timeQuickReplies(say: Phrases): string[] {
  return [say.quick.morning, say.quick.afternoon, say.quick.evening, say.quick.anyTime];
}
