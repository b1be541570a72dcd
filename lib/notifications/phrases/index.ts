import type { Language } from "../../tutoring/schemas";
import { BELL_EN } from "./en";
import { BELL_ES } from "./es";
import type { BellPhrases } from "./types";

/**
 * The bell's languages, one file each: adding a language is adding its file here (with its chat and
 * email phrasings, lib/tutoring/phrases/ and lib/mail/phrases/).
 */
export const BELL_LANGUAGES: Readonly<Record<Language, BellPhrases>> = { en: BELL_EN, es: BELL_ES };
export type { BellPhrases, BellSession } from "./types";

export function bellPhrasesIn(language: Language | null | undefined): BellPhrases {
  return BELL_LANGUAGES[language ?? "en"] ?? BELL_EN;
}
