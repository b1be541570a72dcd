import type { Language } from "../../tutoring/schemas";
import { MAIL_EN } from "./en";
import { MAIL_ES } from "./es";
import type { MailPhrases } from "./types";

/**
 * The booking emails' languages, one file each: adding a language is adding its file here (and its
 * chat phrasings, lib/tutoring/phrases/). A booking's emails use the language it was made in.
 */
export const MAIL_LANGUAGES: Readonly<Record<Language, MailPhrases>> = { en: MAIL_EN, es: MAIL_ES };
export type { MailPhrases } from "./types";

export function mailPhrasesIn(language: Language | null | undefined): MailPhrases {
  return MAIL_LANGUAGES[language ?? "en"] ?? MAIL_EN;
}
