/**
 * The parts of the assistant's persona (lib/center/persona.ts) the chat page needs before any
 * answer arrives: the defaults and the greeting's wording. Plain values, no zod, so the page's
 * first load carries none; persona.ts re-exports them beside the schema.
 */

export const TONES = ["friendly", "concise", "formal"] as const;

/** Stands for the display name in a greeting: "Hi! I'm {name}, the center's automated assistant." */
export const NAME_PLACEHOLDER = "{name}";

/** The migration's defaults: the assistant's wording before the persona was configurable. */
export const DEFAULT_PERSONA: { name: string; greeting: string; tone: (typeof TONES)[number] } = {
  name: "Assistant",
  greeting: "Hi! I'm an automated tutoring assistant, not a person. I can find you a tutor by subject, day and time, and book the session.",
  tone: "friendly",
};

/** The greeting with the display name put in. */
export function greetingText(persona: { name: string; greeting: string }): string {
  return persona.greeting.split(NAME_PLACEHOLDER).join(persona.name);
}
