import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { QUICK } from "../../lib/tutoring/commands";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { refusePatch } from "../../lib/tutoring/patch-rules";
import type { BookingInfo } from "../../lib/tutoring/schemas";

// Sunday, Nov 22 2026, 10:00 in San Francisco: the session below starts in exactly 24 hours, the
// center's default cutoff (on time). An hour later it is inside the cutoff.
const NOW = new Date("2026-11-22T18:00:00Z");
const LATER = new Date("2026-11-22T19:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);

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

/** One turn; the patch is applied and must still be valid session state. */
async function say(message: string, at: SessionFields = fields, now = NOW) {
  const turn = await respond({ fields: at, message, now, catalog });
  const quickReplies = turn.replies.at(-1)?.quickReplies ?? [];
  return { ...turn, fields: SessionFields.parse({ ...at, ...turn.patch }), text: turn.replies.map((line) => line.content).join(" "), quickReplies };
}

const QUESTION = "Cancel Python with Maya Chen on Monday, Nov 23 at 10:00–11:00? This can't be undone.";

describe("cancelling a booking in the chat asks first", () => {
  it.each(["cancel my booking", QUICK.cancelBooking, "please cancel my session"])("%j asks with the session in words and Yes / No, and cancels nothing yet", async (message) => {
    const asked = await say(message);
    expect(asked.text).toBe(QUESTION);
    expect(asked.quickReplies).toEqual([QUICK.yes, QUICK.no]);
    expect(asked.effect).toBeUndefined();
    expect(asked.fields.bookingInfo).toEqual({ ...confirmed, cancelAsked: true });
  });

  it.each(["yes", QUICK.yes, "Yes please", "confirm"])("cancels on %j: the cancel_booking effect, and the question is closed", async (answer) => {
    const asked = await say("cancel my booking");
    const yes = await say(answer, asked.fields);
    expect(yes.effect).toEqual({ type: "cancel_booking", bookingId: "bk-1" });
    expect(yes.text).toBe("Cancelling your session with Maya Chen on Monday, Nov 23 at 10:00–11:00...");
    expect(yes.fields.bookingInfo).toEqual(confirmed);
    const done = describeEffectOutcome(yes.fields, yes.effect!, { ok: true, bookingId: "bk-1" });
    expect(done.patch.bookingInfo).toEqual({ ...confirmed, step: "cancelled" });
    // A cancel that fails leaves the booking as it was, with no question open.
    const failed = describeEffectOutcome(yes.fields, yes.effect!, { ok: false, reason: "error" });
    expect(SessionFields.parse({ ...yes.fields, ...failed.patch }).bookingInfo).toEqual(confirmed);
  });

  it.each(["no", QUICK.no, "never mind", "cancel", "nope"])("keeps the booking on %j and says so", async (answer) => {
    const asked = await say("cancel my booking");
    const kept = await say(answer, asked.fields);
    expect(kept.effect).toBeUndefined();
    expect(kept.text).toBe("Okay, nothing changed: your session stays on Monday, Nov 23 at 10:00–11:00 with Maya Chen.");
    expect(kept.quickReplies).toEqual([QUICK.reschedule, QUICK.cancelBooking]);
    expect(kept.fields.bookingInfo).toEqual(confirmed);
  });

  it("drops the question on anything else: a later yes answers that, never the cancel", async () => {
    const asked = await say("cancel my booking");
    const move = await say("can I move it to Wednesday?", asked.fields);
    expect(move.text).toMatch(/^Maya Chen is free on Wednesday, Nov 25 at 14:00–15:00\. Move your session/);
    expect(move.fields.bookingInfo?.cancelAsked).toBeUndefined();
    const yes = await say("yes", move.fields);
    expect(yes.effect?.type).toBe("move_booking");

    const thanks = await say("thanks", asked.fields);
    expect(thanks.effect).toBeUndefined();
    expect(thanks.fields.bookingInfo).toEqual(confirmed);
    expect((await say("yes", thanks.fields)).effect).toBeUndefined();
  });

  it("asks again when asked again, and closes an open move offer when it asks", async () => {
    const asked = await say("cancel my booking");
    const again = await say("cancel my booking", asked.fields);
    expect(again.text).toBe(QUESTION);
    expect(again.effect).toBeUndefined();
    const offer = await say("can I move it to Wednesday?");
    expect(offer.fields.bookingInfo?.moveOptions?.length).toBeGreaterThan(0);
    const whileOffered = await say("cancel my booking", offer.fields);
    expect(whileOffered.fields.bookingInfo).toEqual({ ...confirmed, cancelAsked: true });
    expect((await say("yes", whileOffered.fields)).effect).toEqual({ type: "cancel_booking", bookingId: "bk-1" });
  });

  it("warns inside the center's cutoff that the cancel will count as late", async () => {
    expect((await say("cancel my booking")).text).not.toMatch(/late/);
    const late = await say("cancel my booking", fields, LATER);
    expect(late.text).toBe(`${QUESTION} It's less than 24 hours before the start, so it will count as a late cancellation.`);
    expect(late.quickReplies).toEqual([QUICK.yes, QUICK.no]);
  });

  it("refuses at once, without asking, once the session has started (the cancel would be refused)", async () => {
    // Monday, Nov 23 at 10:05 in San Francisco: five minutes into the session.
    const started = await say("cancel my booking", fields, new Date("2026-11-23T18:05:00Z"));
    expect(started.text).toBe("This session has already started (Monday, Nov 23 at 10:00), so it can no longer be cancelled. If you cannot attend, leave a message for the tutoring center.");
    expect(started.effect).toBeUndefined();
    expect(started.fields.bookingInfo?.cancelAsked).toBeUndefined();
  });

  it("names the session without a subject when the chat has none", async () => {
    const asked = await say("cancel my booking", { ...fields, searchCriteria: { excludeTutorIds: [] } });
    expect(asked.text).toBe("Cancel your session with Maya Chen on Monday, Nov 23 at 10:00–11:00? This can't be undone.");
  });

  it("cannot be answered by a PATCH: a confirmed booking's form is not the client's to change", () => {
    expect(refusePatch(fields, { bookingInfo: { ...confirmed, cancelAsked: true } })).not.toBeNull();
  });
});
