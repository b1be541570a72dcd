import { describe, expect, it } from "vitest";
import { AssistantPersona, DEFAULT_PERSONA, greetingText, TONES } from "../../lib/center/persona";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { INTRO } from "../../lib/tutoring/phrasing";

const NOW = new Date("2026-11-22T18:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);

/** Walks a chat to the booking's review step with `persona`, then words a made booking. */
async function confirmation(persona: AssistantPersona): Promise<string> {
  const policy = { ...DEFAULT_CENTER_POLICY, persona };
  let fields: SessionFields = EMPTY_SESSION_FIELDS;
  let last;
  for (const message of ["I need help with Python on Monday at 10", "Book this tutor", "yes", "Ada Lovelace, ada@example.com", "Online. exam prep", "yes"]) {
    last = await respond({ fields, message, now: NOW, catalog, policy });
    fields = SessionFields.parse({ ...fields, ...last.patch });
  }
  if (!last?.effect) throw new Error("expected a booking effect");
  return describeEffectOutcome(fields, last.effect, { ok: true, bookingId: "bk-1" }, persona.tone).replies.map((reply) => reply.content).join("\n");
}

describe("the assistant's persona", () => {
  it("keeps today's greeting as the default", () => {
    expect(greetingText(DEFAULT_PERSONA)).toBe(INTRO);
    expect(INTRO).toBe("Hi! I'm an automated tutoring assistant, not a person. I can find you a tutor by subject, day and time, and book the session.");
  });

  it("puts the name in for every {name} in the greeting", () => {
    expect(greetingText({ name: "Ava", greeting: "Hi, I'm {name}, an automated assistant. {name} can book for you." })).toBe(
      "Hi, I'm Ava, an automated assistant. Ava can book for you.",
    );
  });

  it("ends a booking confirmation with the tone's sign-off, the default's unchanged", async () => {
    const signOffs = await Promise.all(TONES.map((tone) => confirmation({ ...DEFAULT_PERSONA, tone })));
    expect(signOffs[0]).toMatch(/You can see or cancel it under My bookings\.$/);
    expect(signOffs[1]).toMatch(/[^u] See or cancel it under My bookings\.$/);
    expect(signOffs[2]).toMatch(/You may review or cancel it under My bookings\. Thank you for booking with us\.$/);
    expect(new Set(signOffs).size).toBe(3);
  });

  it("refuses markup, other placeholders and a greeting that hides it is automated", () => {
    const ok = (change: Partial<AssistantPersona>) => AssistantPersona.safeParse({ ...DEFAULT_PERSONA, ...change }).success;
    expect(ok({ name: "Ava" })).toBe(true);
    expect(ok({ name: "Señor Búho" })).toBe(true);
    expect(ok({ greeting: "Hey! {name} here, the center's bot." })).toBe(true);
    expect(ok({ name: "<script>" })).toBe(false);
    expect(ok({ name: "Ava\u0007" })).toBe(false);
    expect(ok({ greeting: "Hi! I'm Ava." })).toBe(false);
    expect(ok({ greeting: "Hi! I'm an automated assistant at {center}." })).toBe(false);
    expect(ok({ greeting: "Hi! I'm an automated assistant <b>here</b>." })).toBe(false);
    expect(ok({ tone: "pirate" as AssistantPersona["tone"] })).toBe(false);
  });
});
