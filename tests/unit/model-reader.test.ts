import { afterEach, describe, expect, it, vi } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { READER_TIMEOUT_MS, SLOT_TOOL_NAME } from "../../lib/tutoring/model-reader";
import { READER_MAX_TOKENS, workersAiSlotReader } from "../../services/slot-reader";
import { FakeWorkersAi } from "../fakes/workers-ai";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);
/** Names no subject, day, time or tutor the deterministic reader knows: it is unsure. */
const VAGUE = "my professor talks way too fast and I'm totally lost in class";

async function say(message: string, ai?: FakeWorkersAi, fields: SessionFields = EMPTY_SESSION_FIELDS): Promise<AssistantTurn> {
  return respond({ fields, message, now: NOW, catalog, ...(ai ? { reader: workersAiSlotReader(ai) } : {}) });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the optional model-backed reader", () => {
  it("fills the search's slots from one valid tool call, and the flow offers a tutor without booking anything", async () => {
    const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, { subject: "Calculus I", day: "thursday", timeFrom: "13:00", timeTo: "16:00" });
    const turn = await say(VAGUE, ai);
    expect(turn.patch.searchCriteria).toMatchObject({ skill: "Calculus I", day: "thursday", date: "2026-11-19", timeFrom: "13:00", timeTo: "16:00" });
    expect(turn.patch.pendingMatch?.slot.date).toBe("2026-11-19");
    // Offered, not booked: a booking still needs the student's yes, name and the form's confirmation.
    expect(turn.effect).toBeUndefined();
    expect(ai.calls).toHaveLength(1);
    const [call] = ai.calls;
    expect(call?.tools).toHaveLength(1);
    expect(call?.maxTokens).toBe(READER_MAX_TOKENS);
    expect(call?.messages.at(-1)).toEqual({ role: "user", content: VAGUE });
  });

  it("reads arguments a model sends as a JSON string, and a tutor and a way to meet", async () => {
    const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, JSON.stringify({ subject: "Python", tutor: SEED_TUTORS.find((tutor) => tutor.subjects.includes("Python"))?.name, mode: "online" }));
    const turn = await say(VAGUE, ai);
    expect(turn.patch.searchCriteria).toMatchObject({ skill: "Python", mode: "online" });
    expect(turn.patch.searchCriteria?.tutorName).toBeDefined();
  });

  it("drops invalid arguments whole and answers as the deterministic reader does", async () => {
    const deterministic = await say(VAGUE);
    for (const args of [
      { subject: "Underwater Basket Weaving" },
      { subject: "Calculus I", intent: "book" },
      { subject: "Calculus I", timeFrom: "17:00", timeTo: "13:00" },
      { subject: "Calculus I", timeFrom: "3pm" },
      { subject: "Calculus I", date: "2026-11-01" },
      { subject: "Calculus I", date: "2027-06-01" },
      { subject: "Calculus I", day: "friday", date: "2026-11-19" },
      { tutor: "Somebody Not On Staff" },
      { mode: "by carrier pigeon" },
      "{not json",
      ["Calculus I"],
    ]) {
      const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, args);
      expect(await say(VAGUE, ai), JSON.stringify(args)).toEqual(deterministic);
      expect(ai.calls).toHaveLength(1);
    }
  });

  it("answers as the deterministic reader does when the model refuses, calls another tool or fails", async () => {
    const deterministic = await say(VAGUE);
    for (const ai of [
      FakeWorkersAi.saying("I'm sorry, I can't help with that."),
      FakeWorkersAi.calling("book_now", { subject: "Calculus I" }),
      new FakeWorkersAi({ tool_calls: "nope" }),
      new FakeWorkersAi(new Error("model overloaded")),
    ]) {
      expect(await say(VAGUE, ai)).toEqual(deterministic);
      expect(ai.calls).toHaveLength(1);
    }
  });

  it("waits for a slow model no longer than its bound, then answers deterministically", async () => {
    const deterministic = await say(VAGUE);
    vi.useFakeTimers();
    const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, { subject: "Calculus I" });
    ai.hold();
    let answered: AssistantTurn | undefined;
    const pending = say(VAGUE, ai).then((turn) => (answered = turn));
    await vi.advanceTimersByTimeAsync(READER_TIMEOUT_MS - 1);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(answered).toEqual(deterministic);
  });

  it("never asks the model when the deterministic parse is sure, is a command or a short answer, or a form is open", async () => {
    const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, { subject: "Chemistry" });
    for (const message of [
      "need someone for stats asap, like today after class (3ish)",
      "Calc 2 integration by parts is killing me. Thursday works, anytime after lunch",
      "¿Hay tutores de español el jueves a las 10?",
      "help with piano please if you can",
      "can I get Maya again next week",
      "I'd like to leave a message for the center",
      "start over please and thank you",
      "10",
      "yes",
      "ok thanks",
    ]) {
      await say(message, ai);
    }
    const inForm = SessionFields.parse({
      ...EMPTY_SESSION_FIELDS,
      bookingInfo: { step: "contact", tutorId: SEED_TUTORS[0]?.id, tutorName: SEED_TUTORS[0]?.name, slot: { day: "thursday", date: "2026-11-19", start: "10:00", end: "11:00" } },
    });
    await say("my name is something I would rather not say right now", ai, inForm);
    expect(ai.calls).toHaveLength(0);
  });

  it("costs one call per unsure message, with a prompt bounded by the catalog", async () => {
    const ai = FakeWorkersAi.calling(SLOT_TOOL_NAME, {});
    await say(VAGUE, ai);
    const [call] = ai.calls;
    expect(ai.calls).toHaveLength(1);
    // The seed catalog (35 subjects, 48 tutors) in the tool's enums, the instructions and the message: 2,580 characters, about 650 tokens.
    expect(FakeWorkersAi.promptChars(call!)).toBeLessThan(4_000);
  });
});
