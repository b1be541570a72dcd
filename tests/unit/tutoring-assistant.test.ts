import { describe, expect, it, vi } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantTurn, type TutorCatalog } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import type { Tutor } from "../../lib/tutoring/schemas";

// Sunday, Nov 22 2026, 10:00 in San Francisco. "Monday" is Nov 23.
const NOW = new Date("2026-11-22T18:00:00Z");
const seedCatalog = createMemoryCatalog(SEED_TUTORS);

/** A conversation: every patch is applied and must still be valid session state. */
class Chat {
  fields: SessionFields = EMPTY_SESSION_FIELDS;
  constructor(private readonly catalog: TutorCatalog = seedCatalog) {}

  async say(message: string): Promise<AssistantTurn> {
    const turn = await respond({ fields: this.fields, message, now: NOW, catalog: this.catalog });
    this.fields = SessionFields.parse({ ...this.fields, ...turn.patch });
    return turn;
  }

  async sayAll(...messages: string[]): Promise<AssistantTurn> {
    let last: AssistantTurn | undefined;
    for (const message of messages) last = await this.say(message);
    if (!last) throw new Error("no messages");
    return last;
  }
}

function text(turn: AssistantTurn): string {
  return turn.replies.map((reply) => reply.content).join("\n");
}

function quick(turn: AssistantTurn): string[] {
  return turn.replies.at(-1)?.quickReplies ?? [];
}

const REQUEST = "I need help with Python on Monday at 10";

/** A chat with a match shown and the booking form at the contact step. */
async function chatAtContact(): Promise<Chat> {
  const chat = new Chat();
  await chat.sayAll("hi", REQUEST, "Book this tutor", "yes");
  return chat;
}

describe("introduction", () => {
  it("says it is an automated assistant when greeted", async () => {
    const turn = await new Chat().say("hi");
    expect(text(turn)).toMatch(/automated/i);
    expect(text(turn)).toMatch(/what subject/i);
    expect(quick(turn)).toContain("Python");
  });

  it("introduces itself on a first message that is already a request, then answers it", async () => {
    const turn = await new Chat().say(REQUEST);
    expect(turn.replies).toHaveLength(2);
    expect(turn.replies[0]?.content).toMatch(/automated/i);
    expect(turn.replies[1]?.content).toContain("Python");
  });

  it("does not repeat the introduction on later requests", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("python");
    expect(text(turn)).not.toMatch(/automated/i);
  });

  it("reminds a student who greets again that it is automated, and asks the open question", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("hello");
    expect(text(turn)).toMatch(/^Hi again! I'm the automated tutoring assistant\./);
    expect(text(turn)).toMatch(/what subject/i);
  });
});

describe("gathering the search", () => {
  it("asks for the subject when the message names none", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("I need help");
    expect(text(turn)).toMatch(/what subject/i);
    expect(chat.fields.searchCriteria?.skill).toBeUndefined();
  });

  it("asks for the day when only the skill is known", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("python");
    expect(text(turn)).toMatch(/what day/i);
    expect(quick(turn)).toEqual(["Today", "Tomorrow", "This weekend"]);
    expect(chat.fields.searchCriteria?.skill).toBe("Python");
  });

  it("asks for the time when the skill and day are known", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", "python", "monday");
    expect(text(turn)).toMatch(/what time on monday/i);
    expect(chat.fields.pendingMatch).toBeNull();
  });

  it("merges answers given across messages and then searches", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", "pyhton", "mon", "10am");
    expect(chat.fields.searchCriteria).toMatchObject({ skill: "Python", day: "monday", date: "2026-11-23", timeFrom: "10:00" });
    expect(text(turn)).toContain("Monday, Nov 23 at 10:00–11:00");
  });

  it("offers a choice for a subject family instead of guessing", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("calculus");
    expect(quick(turn)).toEqual(["Calculus I", "Calculus II"]);
    expect(chat.fields.searchCriteria?.skill).toBeUndefined();
    const next = await chat.say("Calculus II");
    expect(chat.fields.searchCriteria?.skill).toBe("Calculus II");
    expect(text(next)).toMatch(/what day/i);
  });
});

describe("matching", () => {
  it("finds a Python tutor free Monday at 10:00", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", REQUEST);
    const match = chat.fields.pendingMatch;
    expect(match?.tutor.subjects).toContain("Python");
    expect(match?.slot).toEqual({ day: "monday", date: "2026-11-23", start: "10:00", end: "11:00" });
    expect(text(turn)).toBe(`${match?.tutor.name} teaches Python and is free Monday, Nov 23 at 10:00–11:00 (online). Want to book?`);
    expect(quick(turn)).toEqual(["Book this tutor", "Show me other tutors", "Change the time"]);
    expect(chat.fields.availableTutors.length).toBeGreaterThan(1);
    expect(chat.fields.availableTutors.length).toBeLessThanOrEqual(5);
    expect(chat.fields.availableTutors[0]).toEqual(match);
  });

  it("shows a different tutor when asked for other tutors, and remembers who was shown", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    const first = chat.fields.pendingMatch?.tutor.id;
    const turn = await chat.say("show me other tutors");
    const second = chat.fields.pendingMatch?.tutor.id;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(chat.fields.pendingMatch?.slot.start).toBe("10:00");
    expect(chat.fields.searchCriteria?.excludeTutorIds).toEqual([first]);
    expect(text(turn)).toMatch(/another option/i);
    await chat.say("someone else");
    expect([first, second]).not.toContain(chat.fields.pendingMatch?.tutor.id);
  });

  it("says so when there are no other tutors", async () => {
    const only: Tutor = { id: "t-1", name: "Solo Tutor", subjects: ["Python"], bio: "", mode: "online", availability: [{ day: "monday", start: "09:00", end: "12:00" }] };
    const chat = new Chat(createMemoryCatalog([only]));
    await chat.sayAll("hi", REQUEST);
    const turn = await chat.say("show me other tutors");
    expect(text(turn)).toMatch(/everyone who teaches Python/);
    expect(chat.fields.pendingMatch?.tutor.id).toBe("t-1");
  });

  it("is honest when the closest tutor is free at another time", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", "Python on Monday at 9pm");
    expect(text(turn)).toMatch(/^No Python tutor is free Monday at 21:00\. The closest: /);
  });

  it("says when nobody teaches a subject and offers a message to staff", async () => {
    const chat = new Chat(createMemoryCatalog(SEED_TUTORS.filter((t) => !t.subjects.includes("Python"))));
    const turn = await chat.sayAll("hi", "javascript monday 10am");
    expect(chat.fields.pendingMatch?.tutor.subjects).toContain("JavaScript");
    const empty = new Chat({ findBySkill: async () => [], subjects: async () => ["Python"], bookedSlots: async () => [] });
    const none = await empty.sayAll("hi", REQUEST);
    expect(text(none)).toMatch(/don't have any Python tutors/);
    expect(quick(none)).toContain("Leave a message for the tutoring center");
    expect(turn.effect).toBeUndefined();
  });
});

describe("a weekday named on that very day", () => {
  // Monday, Nov 23 2026 in San Francisco, at 10:07 and at 08:00.
  const at = (iso: string) => async (message: string) =>
    respond({ fields: EMPTY_SESSION_FIELDS, message, now: new Date(iso), catalog: seedCatalog });

  it("means next week once the hour asked for is over", async () => {
    const turn = await at("2026-11-23T18:07:00Z")("I need help with Python on Monday at 10");
    expect(turn.patch.searchCriteria).toMatchObject({ day: "monday", date: "2026-11-30" });
    expect(turn.patch.pendingMatch?.slot).toMatchObject({ date: "2026-11-30", start: "10:00" });
  });

  it("means today while the hour is still ahead, or the window still open", async () => {
    expect((await at("2026-11-23T16:00:00Z")("I need help with Python on Monday at 10")).patch.searchCriteria).toMatchObject({ date: "2026-11-23" });
    expect((await at("2026-11-23T18:07:00Z")("I need help with Python on Monday after 2pm")).patch.searchCriteria).toMatchObject({ date: "2026-11-23" });
  });
});

describe("booking form", () => {
  it("asks to confirm the tutor and slot before taking details", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    const turn = await chat.say("book");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "confirm_slot", tutorId: chat.fields.pendingMatch?.tutor.id, slot: chat.fields.pendingMatch?.slot });
    expect(text(turn)).toContain("Monday, Nov 23 at 10:00–11:00");
    expect(quick(turn)).toEqual(["Yes", "No"]);
  });

  it("walks from confirmation to a create_booking effect, re-asking an invalid email", async () => {
    const chat = await chatAtContact();
    expect(chat.fields.bookingInfo?.step).toBe("contact");

    const invalid = await chat.say("Ada Lovelace, ada@example");
    expect(text(invalid)).toMatch(/email address doesn't look right/);
    expect(chat.fields.bookingInfo).toMatchObject({ step: "contact", studentName: "Ada Lovelace" });
    expect(chat.fields.bookingInfo?.studentEmail).toBeUndefined();

    const valid = await chat.say("ada@example.com");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "details", studentEmail: "ada@example.com", mode: "online" });
    expect(text(valid)).toMatch(/online only/);
    expect(text(valid)).toMatch(/what would you like to work on/i);

    const details = await chat.say("recursion homework");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "review", intake: "recursion homework" });
    expect(text(details)).toContain("Name: Ada Lovelace");
    expect(text(details)).toContain("Topic: recursion homework");
    expect(quick(details)).toEqual(["Confirm booking", "Go back", "Cancel"]);

    const confirm = await chat.say("Confirm booking");
    expect(confirm.effect).toEqual({
      type: "create_booking",
      booking: {
        tutorId: chat.fields.pendingMatch?.tutor.id,
        date: "2026-11-23",
        start: "10:00",
        end: "11:00",
        studentName: "Ada Lovelace",
        studentEmail: "ada@example.com",
        mode: "online",
        intake: "recursion homework",
        subject: "Python",
      },
    });
    expect(chat.fields.bookingInfo?.step).toBe("review");
  });

  it("takes the name and email in separate messages", async () => {
    const chat = await chatAtContact();
    const named = await chat.say("Grace Hopper");
    expect(text(named)).toMatch(/email/i);
    expect(chat.fields.bookingInfo).toMatchObject({ step: "contact", studentName: "Grace Hopper" });
    const notEmail = await chat.say("grace at navy dot mil");
    expect(text(notEmail)).toMatch(/doesn't look right/);
    expect(chat.fields.bookingInfo?.studentName).toBe("Grace Hopper");
    await chat.say("grace@navy.mil");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "details", studentName: "Grace Hopper", studentEmail: "grace@navy.mil" });
  });

  it("asks online or in person when the tutor offers both", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST, "show me other tutors");
    expect(chat.fields.pendingMatch?.tutor.mode).toBe("both");
    const turn = await chat.sayAll("book", "yes", "Ada Lovelace ada@example.com");
    expect(quick(turn)).toEqual(["Online", "In person"]);
    await chat.say("in person, I'd like to work on loops");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "review", mode: "in_person", intake: "loops" });
  });

  it("treats commands inside a free-text answer as content", async () => {
    const chat = await chatAtContact();
    await chat.say("Ada Lovelace, ada@example.com");
    await chat.say("I want to go back over recursion");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "review", intake: "go back over recursion" });
  });

  it("never books a kept match whose hour has passed; it searches again", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    const stale = chat.fields.pendingMatch;
    if (!stale) throw new Error("expected a match");
    const later = new Date("2026-11-25T18:00:00Z");
    const turn = await respond({ fields: chat.fields, message: "book", now: later, catalog: seedCatalog });
    expect(turn.patch.bookingInfo).toBeUndefined();
    expect(turn.patch.pendingMatch?.slot.date).toBe("2026-11-30");
  });

  it("leaves the form for a new search when the student names another subject at confirmation", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST, "book");
    await chat.say("actually chemistry");
    expect(chat.fields.bookingInfo).toBeNull();
    expect(chat.fields.pendingMatch?.tutor.subjects).toContain("Chemistry");
  });
});

describe("going back, cancelling and changing", () => {
  it("goes back one step at a time", async () => {
    const chat = await chatAtContact();
    await chat.sayAll("Ada Lovelace, ada@example.com", "exam prep");
    expect(chat.fields.bookingInfo?.step).toBe("review");
    await chat.say("back");
    expect(chat.fields.bookingInfo).toMatchObject({ step: "details", studentName: "Ada Lovelace" });
    expect(chat.fields.bookingInfo?.intake).toBeUndefined();
    await chat.say("go back");
    expect(chat.fields.bookingInfo?.step).toBe("contact");
    expect(chat.fields.bookingInfo?.studentName).toBeUndefined();
    await chat.say("back");
    expect(chat.fields.bookingInfo?.step).toBe("confirm_slot");
    const out = await chat.say("back");
    expect(chat.fields.bookingInfo).toBeNull();
    expect(quick(out)).toContain("Book this tutor");
  });

  it("cancels the form but keeps the match", async () => {
    const chat = await chatAtContact();
    const match = chat.fields.pendingMatch;
    const turn = await chat.say("cancel");
    expect(chat.fields.bookingInfo).toBeNull();
    expect(chat.fields.pendingMatch).toEqual(match);
    expect(text(turn)).toMatch(/nothing was booked/i);
  });

  it("clears only the time on 'change the time' and asks for a new one", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    const turn = await chat.say("change the time");
    expect(chat.fields.searchCriteria).toMatchObject({ skill: "Python", day: "monday" });
    expect(chat.fields.searchCriteria?.timeFrom).toBeUndefined();
    expect(chat.fields.pendingMatch).toBeNull();
    expect(text(turn)).toMatch(/what time on monday/i);
    await chat.say("afternoon");
    expect(chat.fields.pendingMatch?.slot.start).toBe("12:00");
  });

  it("searches right away when the new time comes with the request", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    await chat.say("change the time to 2pm");
    expect(chat.fields.searchCriteria).toMatchObject({ timeFrom: "14:00", timeTo: "14:00" });
    expect(chat.fields.pendingMatch?.slot.start).toBe("14:00");
  });

  it("drops an open form when the time changes", async () => {
    const chat = await chatAtContact();
    await chat.say("different time");
    expect(chat.fields.bookingInfo).toBeNull();
    expect(chat.fields.searchCriteria?.timeFrom).toBeUndefined();
  });

  it("starts over with empty fields", async () => {
    const chat = await chatAtContact();
    const turn = await chat.say("start over");
    expect(chat.fields).toEqual({ pendingMatch: null, bookingInfo: null, searchCriteria: { excludeTutorIds: [] }, availableTutors: [] });
    expect(text(turn)).toMatch(/what subject/i);
  });
});

describe("effect outcomes", () => {
  async function chatAtReview(): Promise<{ chat: Chat; confirm: AssistantTurn }> {
    const chat = await chatAtContact();
    await chat.sayAll("Ada Lovelace, ada@example.com", "exam prep");
    const confirm = await chat.say("yes");
    return { chat, confirm };
  }

  it("confirms the booking when the caller succeeded", async () => {
    const { chat, confirm } = await chatAtReview();
    if (!confirm.effect) throw new Error("expected an effect");
    const outcome = describeEffectOutcome(chat.fields, confirm.effect, { ok: true, bookingId: "bk-42", meetingLink: "https://meet.example/bk-42" });
    expect(outcome.patch.bookingInfo).toMatchObject({ step: "confirmed", bookingId: "bk-42", meetingLink: "https://meet.example/bk-42" });
    expect(outcome.patch.pendingMatch).toBeNull();
    expect(text(outcome)).toContain("bk-42");
    expect(quick(outcome)).toContain("Cancel my booking");
  });

  it("says a confirmation email is on its way only when the caller queued one", async () => {
    const { chat, confirm } = await chatAtReview();
    if (!confirm.effect) throw new Error("expected an effect");
    const queued = describeEffectOutcome(chat.fields, confirm.effect, { ok: true, bookingId: "bk-42", emailedTo: "ada@example.com" });
    expect(text(queued)).toContain("A confirmation email with a calendar invite is on its way to ada@example.com.");
    const notQueued = describeEffectOutcome(chat.fields, confirm.effect, { ok: true, bookingId: "bk-42" });
    expect(text(notQueued)).not.toMatch(/email|confirmation will/i);
  });

  it("offers the next tutor when the slot was just taken", async () => {
    const { chat, confirm } = await chatAtReview();
    if (!confirm.effect) throw new Error("expected an effect");
    const taken = chat.fields.pendingMatch?.tutor.id;
    const outcome = describeEffectOutcome(chat.fields, confirm.effect, { ok: false, reason: "slot_taken" });
    expect(text(outcome)).toMatch(/just taken/);
    expect(outcome.patch.bookingInfo).toBeNull();
    expect(outcome.patch.pendingMatch?.tutor.id).toBeDefined();
    expect(outcome.patch.pendingMatch?.tutor.id).not.toBe(taken);
    expect(outcome.patch.searchCriteria?.excludeTutorIds).toContain(taken);
    expect(quick(outcome)).toContain("Book this tutor");
  });

  it("asks for another time when the taken slot was the only option", async () => {
    const only: Tutor = { id: "t-1", name: "Solo Tutor", subjects: ["Python"], bio: "", mode: "online", availability: [{ day: "monday", start: "09:00", end: "12:00" }] };
    const chat = new Chat(createMemoryCatalog([only]));
    await chat.sayAll("hi", REQUEST, "book", "yes", "Ada Lovelace, ada@example.com", "exam prep");
    const confirm = await chat.say("yes");
    if (!confirm.effect) throw new Error("expected an effect");
    const outcome = describeEffectOutcome(chat.fields, confirm.effect, { ok: false, reason: "slot_taken" });
    expect(outcome.patch.pendingMatch).toBeNull();
    expect(quick(outcome)).toContain("Change the time");
  });

  it("keeps the review open after an error so the student can retry", async () => {
    const { chat, confirm } = await chatAtReview();
    if (!confirm.effect) throw new Error("expected an effect");
    const outcome = describeEffectOutcome(chat.fields, confirm.effect, { ok: false, reason: "error" });
    expect(outcome.patch.bookingInfo).toBeUndefined();
    expect(quick(outcome)).toContain("Confirm booking");
  });

  it("cancels a confirmed booking through a cancel_booking effect, once the student says yes", async () => {
    const { chat, confirm } = await chatAtReview();
    if (!confirm.effect) throw new Error("expected an effect");
    chat.fields = SessionFields.parse({ ...chat.fields, ...describeEffectOutcome(chat.fields, confirm.effect, { ok: true, bookingId: "bk-7" }).patch });
    const plainCancel = await chat.say("cancel");
    expect(plainCancel.effect).toBeUndefined();
    // Asked first (tests/unit/cancel-confirm.test.ts); only the yes cancels.
    const asked = await chat.say("cancel my booking");
    expect(asked.effect).toBeUndefined();
    expect(quick(asked)).toEqual(["Yes", "No"]);
    const cancel = await chat.say("yes");
    expect(cancel.effect).toEqual({ type: "cancel_booking", bookingId: "bk-7" });
    const outcome = describeEffectOutcome(chat.fields, cancel.effect ?? { type: "cancel_booking", bookingId: "" }, { ok: true });
    expect(outcome.patch.bookingInfo?.step).toBe("cancelled");
  });

  it("says there is nothing to cancel in this chat and where every booking can be cancelled", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", REQUEST);
    const turn = await chat.say("cancel my booking");
    expect(turn.effect).toBeUndefined();
    expect(text(turn)).toMatch(/no confirmed booking in this chat.*My bookings/);
  });
});

describe("when the assistant cannot help", () => {
  it("asks again after one misunderstanding, without offering staff yet", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("asdfgh");
    expect(text(turn)).toMatch(/didn't catch that/);
    expect(quick(turn)).not.toContain("Leave a message for the tutoring center");
  });

  it("offers to leave a message after two misunderstandings", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", "asdfgh", "qwerty zxcv");
    expect(quick(turn)).toContain("Leave a message for the tutoring center");
    expect(chat.fields.searchCriteria?.misses).toBe(2);
  });

  it("returns a leave_message effect carrying what the student was looking for", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", "python", "monday", "qwerty", "zxcv", "Leave a message for the tutoring center", "Is anyone free on Monday?");
    const turn = await chat.say("Yes");
    expect(turn.effect?.type).toBe("leave_message");
    expect(turn.effect?.type === "leave_message" ? turn.effect.note : "").toContain("Python on Monday");
  });

  it("passes on the student's own words", async () => {
    const chat = new Chat();
    await chat.say("talk to a human: I need a tutor for Latin");
    const turn = await chat.say("Yes");
    expect(turn.effect).toMatchObject({ type: "leave_message", words: "I need a tutor for Latin", note: expect.stringContaining("I need a tutor for Latin") });
  });

  it("explains what it can do on 'help'", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const turn = await chat.say("help");
    expect(text(turn)).toMatch(/show me other tutors/);
    expect(quick(turn)).toContain("Leave a message for the tutoring center");
  });
});

describe("purity", () => {
  it("gives the same turn for the same input, whatever the system clock says", async () => {
    const input = { fields: EMPTY_SESSION_FIELDS, message: "python tomorrow at 10", now: NOW, catalog: seedCatalog };
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
      const first = await respond(input);
      vi.setSystemTime(new Date("2020-06-15T12:00:00Z"));
      const second = await respond(input);
      expect(second).toEqual(first);
      expect(first.patch.searchCriteria?.date).toBe("2026-11-23");
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads 'today' in the time zone it is given", async () => {
    // 02:00 UTC Monday is still Sunday evening in San Francisco.
    const late = new Date("2026-11-23T02:00:00Z");
    const pacific = await respond({ fields: EMPTY_SESSION_FIELDS, message: "python today", now: late, catalog: seedCatalog });
    const utc = await respond({ fields: EMPTY_SESSION_FIELDS, message: "python today", now: late, catalog: seedCatalog, timeZone: "UTC" });
    expect(pacific.patch.searchCriteria?.day).toBe("sunday");
    expect(utc.patch.searchCriteria?.day).toBe("monday");
  });

  it("writes plain text with short quick replies", async () => {
    const chat = new Chat();
    const turns = [await chat.say("hi"), await chat.say(REQUEST), await chat.say("book"), await chat.say("yes"), await chat.say("Ada Lovelace, ada@example.com"), await chat.say("exam prep")];
    for (const turn of turns) {
      expect(text(turn)).not.toMatch(/\*\*|__|`|^#/m);
      for (const reply of turn.replies) {
        expect((reply.quickReplies ?? []).length).toBeLessThanOrEqual(6);
        for (const label of reply.quickReplies ?? []) expect(label.length).toBeLessThanOrEqual(80);
      }
    }
  });
});

describe("robustness", () => {
  const MESSAGES = [
    "hi", REQUEST, "show me other tutors", "book", "yes", "no", "back", "cancel", "cancel my booking", "change the time", "different day",
    "start over", "Ada Lovelace, ada@example.com", "ada@example", "online", "in person", "exam prep", "Confirm booking", "calculus",
    "Calculus II", "tomorrow", "afternoon", "asdf", "help", "thanks", "any time", "this weekend", "after 3pm", "math", "10",
  ];

  it("keeps valid session state through long arbitrary conversations", async () => {
    // A fixed linear congruential sequence: arbitrary but repeatable.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let run = 0; run < 30; run++) {
      const chat = new Chat();
      for (let step = 0; step < 25; step++) {
        const message = MESSAGES[next() % MESSAGES.length] ?? "hi";
        const turn = await chat.say(message);
        expect(turn.replies.length, `after "${message}"`).toBeGreaterThan(0);
        expect(turn.replies.every((reply) => reply.content.trim().length > 0)).toBe(true);
        if (turn.effect?.type === "create_booking") {
          expect(chat.fields.bookingInfo?.step).toBe("review");
          chat.fields = SessionFields.parse({ ...chat.fields, ...describeEffectOutcome(chat.fields, turn.effect, { ok: true, bookingId: `bk-${run}` }).patch });
        }
      }
    }
  });
});
