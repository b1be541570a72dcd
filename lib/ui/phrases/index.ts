import type { Language } from "../../tutoring/schemas";
import { UI_EN } from "./en";
import { UI_ES } from "./es";
import type { UiPhrases } from "./types";

/**
 * The chat page's booking area in each language the assistant answers in: one file each, and
 * adding a language is adding its file here (a missing one is a type error). Small on purpose:
 * the browser loads all of them with the booking form, never the assistant's own phrasings.
 */
export const UI_LANGUAGES: Readonly<Record<Language, UiPhrases>> = { en: UI_EN, es: UI_ES };
export type { UiPhrases } from "./types";

/** The chat's language (`searchCriteria.lang`); absent is English. */
export function uiPhrasesIn(language: Language | undefined): UiPhrases {
  return UI_LANGUAGES[language ?? "en"];
}
