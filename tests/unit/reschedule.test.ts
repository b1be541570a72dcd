import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, type SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { QUICK } from "../../lib/tutoring/commands";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { parseMessage } from "../../lib/tutoring/parse";
import { slotText } from "../../lib/tutoring/phrasing";
import type { BookingInfo } from "../../lib/tutoring/schemas";

// Sunday, Nov 22 2026, 10:00 in San Francisco.
const NOW = new Date("2026-11-22T18:00:00Z");
const today = localNow(NOW);
const catalog = createMemoryCatalog(SEED_TUTORS);
const subjects = await catalog.subjects();
const read = (text: string) => parseMessage(text, { subjects, today });

describe("reading a request to move a booking", () => {
  it.each([
    ["can I move it to Tuesday?", { day: "tuesday" }],
    ["reschedule my booking", {}],
    ["move my session to 3pm", { timeFrom: "15:00" }],
    ["Reschedule", {}],
    ["could I reschedule to Friday morning please", { day: "friday" }],
    ["I'd like to move my appointment to Thursday at 4pm", { day: "thursday", timeFrom: "16:00" }],
    ["can we push it back to wednesday", { day: "wednesday" }],
    ["change my booking to another day", {}],
    ["rebook for next Monday", { day: "monday" }],
    [QUICK.reschedule, {}],
  ])("reads %j as a move, with the day and time it names", (text, when) => {
    const parsed = read(text);
    expect(parsed.intent, text).toBe("reschedule");
    expect(parsed, text).toMatchObject(when);
  });

  it.each([
    "can we move on to recursion",
    "I want to move to Python",
    "I'm moving house next week, any essay writing tutors?",
    "change the time",
    "cancel my booking",
    "Python on Tuesday at 3pm",
    "how do I move a file in Python",
  ])("does not read %j as a move", (text) => {
    expect(read(text).intent, text).not.toBe("reschedule");
  });

  it("reads a move in a form step's free text only when it is the whole message", () => {
    expect(parseMessage("I want to reschedule my exam prep", { subjects, today, strict: true }).intent).toBeUndefined();
    expect(parseMessage("Move my booking", { subjects, today, strict: true }).intent).toBe("reschedule");
  });
});

/** A chat whose Python session with Maya Chen (online) is confirmed for Monday, Nov 23 at 10:00. */
const confirmed: BookingInfo = {
  step: "confirmed",
  tutorId: "t-001",
  tutorName: "Maya Chen",
  slot: { day: "monday", date: "2026-11-23", start: "10:00", end: "11:00" },
  studentName: "Ada",
  studentEmail: "ada@example.com",
  mode: "online",
  intake: "Recursion",
  bookingId: "bk-1",
};
const fields: SessionFields = { ...EMPTY_SESSION_FIELDS, searchCriteria: { skill: "Python", excludeTutorIds: [] }, bookingInfo: confirmed };

async function say(message: string, at: SessionFields = fields) {
  const turn = await respond({ fields: at, message, now: NOW, catalog });
  return { ...turn, fields: { ...at, ...turn.patch }, text: turn.replies.map((line) => line.content).join(" ") };
}

describe("moving a booking in the chat", () => {
  it("offers the same tutor first, and another tutor who teaches the subject only when asked or when the same tutor is not free then", async () => {
    const offer = await say("can I move it to Wednesday?");
    expect(offer.text).toMatch(/^Maya Chen is free on Wednesday, Nov 25 at 14:00–15:00\. Move your session from Monday, Nov 23 at 10:00–11:00 to then\?$/);
    expect(offer.effect).toBeUndefined();
    const others = await say(QUICK.others, offer.fields);
    expect(others.text).toMatch(/, who also teaches Python, is free on .+ Move your session from .+ to then with /);
    expect(others.fields.bookingInfo?.moveOptions?.[0]?.tutorId).not.toBe("t-001");

    // Maya Chen has no Thursday hours: the tutor who does comes first, said as another tutor.
    const thursday = await say("move my session to Thursday at 4pm");
    expect(thursday.text).toMatch(/^Diego Alvarez, who also teaches Python, is free on Thursday, Nov 26 at 16:00–17:00\./);
  });

  it("moves on yes (the effect names the booking and the slot offered), and words the outcomes", async () => {
    const offer = await say("reschedule my booking");
    const option = offer.fields.bookingInfo!.moveOptions![0]!;
    const yes = await say("yes", offer.fields);
    expect(yes.effect).toEqual({ type: "move_booking", bookingId: "bk-1", to: { tutorId: option.tutorId, tutorName: option.tutorName, date: option.slot.date, start: option.slot.start, end: option.slot.end } });

    const moved = describeEffectOutcome(offer.fields, yes.effect!, { ok: true, bookingId: "bk-1" });
    expect(moved.replies[0]!.content).toBe(`Done: your session is moved to ${slotText(option.slot)} with Maya Chen (moved from Monday, Nov 23 at 10:00–11:00). Your booking number stays bk-1.`);
    expect(moved.patch.bookingInfo).toMatchObject({ step: "confirmed", slot: option.slot, movedFrom: confirmed.slot, bookingId: "bk-1" });

    // Taken meanwhile: the next slot offered, never the one just taken.
    const taken = describeEffectOutcome(offer.fields, yes.effect!, { ok: false, reason: "slot_taken" });
    expect(taken.replies[0]!.content).toMatch(/^Sorry, that time was just taken by someone else, and nothing changed\. Maya Chen is free on /);
    expect(taken.patch.bookingInfo?.moveOptions?.[0]).not.toEqual(option);
    // No email promised unless one was queued.
    expect(moved.replies[0]!.content).not.toContain("email");
  });

  it("keeps the booking on no, and a chat without a confirmed booking has nothing to move", async () => {
    const offer = await say("move my session to 3pm");
    const no = await say("no", offer.fields);
    expect(no.text).toBe("Okay, nothing changed: your session stays on Monday, Nov 23 at 10:00–11:00 with Maya Chen.");
    expect(no.fields.bookingInfo?.moveOptions).toBeUndefined();
    expect((await say("reschedule my booking", EMPTY_SESSION_FIELDS)).text).toContain("There's no confirmed booking in this chat to move.");
  });
});

describe("a move offered only when the center would allow it", () => {
  const at = async (instant: string, message: string) => {
    const turn = await respond({ fields, message, now: new Date(instant), catalog });
    return { ...turn, text: turn.replies.map((line) => line.content).join(" ") };
  };

  it("on a Sunday evening, a Monday-morning session is inside the 24-hour cutoff: nothing is offered, and it says why", async () => {
    // Sunday, Nov 22 at 18:30 in San Francisco; the session is Monday 10:00, 15.5 hours away.
    const late = await at("2026-11-23T02:30:00Z", "can I move it to Wednesday?");
    expect(late.text).toBe(
      "This session can't be moved: the center allows changes up to 24 hours before the start, and it starts in less than 24 hours. Your session stays on Monday, Nov 23 at 10:00–11:00 with Maya Chen. You can still cancel it, which counts as a late cancellation.",
    );
    expect(late.effect).toBeUndefined();
    expect(late.patch.bookingInfo?.moveOptions).toBeUndefined();
  });

  it("exactly at the cutoff the move is still offered, and a minute later it is not", async () => {
    expect((await at("2026-11-22T18:00:00Z", QUICK.reschedule)).text).toMatch(/^Maya Chen is free on .+ Move your session from Monday, Nov 23/);
    expect((await at("2026-11-22T18:01:00Z", QUICK.reschedule)).text).toMatch(/^This session can't be moved/);
  });
});
