import { describe, expect, it } from "vitest";
import { detailsMessage } from "../../lib/tutoring/commands";
import { LANGUAGES } from "../../lib/tutoring/phrases";
import { parseDetails } from "../../lib/tutoring/parse";
import { UI_LANGUAGES, uiPhrasesIn } from "../../lib/ui/phrases";

/** Every key path of a phrase object ("panel.titles.review"), functions and strings alike as leaves. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value)
    .flatMap(([key, inner]) => keyPaths(inner, prefix ? `${prefix}.${key}` : key))
    .sort();
}

describe("the chat page's booking words, one file per language", () => {
  const english = keyPaths(UI_LANGUAGES.en);

  it.each(Object.keys(UI_LANGUAGES))("%s has exactly the keys English has", (language) => {
    expect(keyPaths(UI_LANGUAGES[language as keyof typeof UI_LANGUAGES])).toEqual(english);
  });

  it.each(Object.keys(UI_LANGUAGES))("%s leaves no phrase empty", (language) => {
    const say = UI_LANGUAGES[language as keyof typeof UI_LANGUAGES];
    for (const path of english) {
      const leaf = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], say);
      const text = typeof leaf === "function" ? (leaf as (arg: unknown) => unknown)("x") : leaf;
      expect(typeof text === "string" && text.trim().length > 0, `${language} ${path}`).toBe(true);
    }
  });

  it.each(Object.keys(LANGUAGES))("%s buttons send the assistant's own quick replies in that language", (language) => {
    const lang = language as keyof typeof LANGUAGES;
    expect(UI_LANGUAGES[lang].send).toEqual(LANGUAGES[lang].quick);
  });

  it("answers Spanish chats in Spanish and everything else in English", () => {
    expect(uiPhrasesIn("es").panel.titles.review).toBe("Revisa tu reserva");
    expect(uiPhrasesIn("en").panel.titles.review).toBe("Review your booking");
    expect(uiPhrasesIn(undefined).panel.titles.review).toBe("Review your booking");
  });

  it.each(Object.keys(UI_LANGUAGES))("the %s details step sends a mode the assistant reads", (language) => {
    const say = UI_LANGUAGES[language as keyof typeof UI_LANGUAGES];
    expect(parseDetails(detailsMessage("online", "recursión", say.send)).mode).toBe("online");
    expect(parseDetails(detailsMessage("in_person", "recursión", say.send)).mode).toBe("in_person");
  });
});
