import { z } from "../zod";
import { DEFAULT_PERSONA, NAME_PLACEHOLDER, TONES } from "./persona-defaults";

/**
 * The assistant's persona as the center configures it (docs/chat.md, "The assistant"):
 * a display name, the greeting that opens every new chat, and a tone that picks among the
 * assistant's phrasings where it has more than one. Stored in D1's center_settings row (migration
 * 0014) and read with the booking policy in the batch a turn already makes. The defaults are the
 * wording the assistant had before it was configurable; the stateless fallback always uses them.
 */

// The defaults, the tones and the greeting's placeholder are in persona-defaults.ts (no zod: the chat page reads them).
export { DEFAULT_PERSONA, NAME_PLACEHOLDER, TONES, greetingText } from "./persona-defaults";

export const Tone = z.enum(TONES);
export type Tone = z.infer<typeof Tone>;

/** Plain text only: the chat renders none of it as markup, and a greeting that looks like HTML or a link is a mistake. */
const MARKUP = /[<>]|\]\(|[\u0000-\u0008\u000b-\u001f\u007f]/;

function plainText(max: number) {
  return z
    .string()
    .trim()
    .min(1, "Required.")
    .max(max, `At most ${max} characters.`)
    .refine((text) => !MARKUP.test(text), "Plain text only: no <, >, links or control characters.");
}

export const AssistantPersona = z
  .object({
    /** How the chat names the assistant ("Ava"); a letter first, no line breaks. */
    name: plainText(40).refine((name) => /^\p{L}/u.test(name) && !/[\n{}]/.test(name), "Start with a letter; no line breaks or braces."),
    greeting: plainText(300)
      .refine((text) => !/\{(?!name\})[^}]*\}/.test(text), `The only placeholder is ${NAME_PLACEHOLDER}.`)
      // The first thing a student hears must say it is not a person (see the assistant's INTRO).
      .refine((text) => /\b(automated|assistant|bot|AI)\b/i.test(text), "Say that this is an automated assistant (use the word automated, assistant or bot)."),
    tone: Tone,
  })
  .strict();
export type AssistantPersona = z.infer<typeof AssistantPersona>;

DEFAULT_PERSONA satisfies AssistantPersona;

/**
 * The phrasings a tone picks among. `friendly` is the wording the assistant always had; the other
 * two change only these sentences (every other reply reads the same in every tone).
 */
export const TONE_PHRASES: Record<Tone, { askSubject: string; notUnderstood: string; stillNotUnderstood: string; bookedSignOff: string }> = {
  friendly: {
    askSubject: "What subject would you like help with?",
    notUnderstood: "Sorry, I didn't catch that.",
    stillNotUnderstood: "Sorry, I'm still not sure what you mean.",
    bookedSignOff: "You can see or cancel it under My bookings.",
  },
  concise: {
    askSubject: "Which subject?",
    notUnderstood: "I didn't understand that.",
    stillNotUnderstood: "I still don't understand.",
    bookedSignOff: "See or cancel it under My bookings.",
  },
  formal: {
    askSubject: "Which subject may I help you with?",
    notUnderstood: "I am sorry, I did not understand that.",
    stillNotUnderstood: "I am sorry, I still do not understand your request.",
    bookedSignOff: "You may review or cancel it under My bookings. Thank you for booking with us.",
  },
};

export function phrasesFor(tone: Tone | undefined) {
  return TONE_PHRASES[tone ?? DEFAULT_PERSONA.tone];
}
