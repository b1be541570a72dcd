import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, type SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantEffect } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { QUICK } from "../../lib/tutoring/commands";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import type { BookingInfo } from "../../lib/tutoring/schemas";
import { offerNotice, showsOffer } from "../../lib/tutoring/waitlist";

// Sunday, Nov 22 2026, 10:00 in San Francisco.
const NOW = new Date("2026-11-22T18:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);
const SLOT = { day: "monday" as const, date: "2026-11-23", start: "10:00", end: "11:00" };
const REVIEW: BookingInfo = {
  step: "review", tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT,
  studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online", intake: "Recursion",
};
const booking: Extract<AssistantEffect, { type: "create_booking" }> = {
  type: "create_booking",
  booking: { tutorId: "t-001", date: SLOT.date, start: SLOT.start, end: SLOT.end, studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online", intake: "Recursion", subject: "Python" },
};

function fields(patch: Partial<SessionFields>): SessionFields {
  return { ...EMPTY_SESSION_FIELDS, searchCriteria: { skill: "Python", excludeTutorIds: [] }, ...patch };
}

describe("the assistant's waitlist", () => {
  it("keeps a slot taken at the review, with the form's details, and offers its waitlist", () => {
    const turn = describeEffectOutcome(fields({ bookingInfo: REVIEW }), booking, { ok: false, reason: "slot_taken" });
    expect(turn.replies.at(-1)?.quickReplies).toContain(QUICK.joinWaitlist);
    expect(turn.patch.searchCriteria?.waitFor).toEqual({ tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT, studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online", intake: "Recursion" });
  });

  it("offers no waitlist for a slot the center does not offer", () => {
    const turn = describeEffectOutcome(fields({ bookingInfo: REVIEW }), booking, { ok: false, reason: "unavailable" });
    expect(turn.replies.at(-1)?.quickReplies ?? []).not.toContain(QUICK.joinWaitlist);
    expect(turn.patch.searchCriteria?.waitFor).toBeUndefined();
  });

  it("joins the kept slot's line as an effect, and says so only once the line answers", async () => {
    const wanted = { tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT };
    const turn = await respond({ fields: fields({ searchCriteria: { skill: "Python", excludeTutorIds: [], waitFor: wanted } }), message: QUICK.joinWaitlist, now: NOW, catalog });
    expect(turn.effect).toEqual({ type: "join_waitlist", wanted, subject: "Python" });
    expect(turn.replies.map((line) => line.content).join(" ")).not.toMatch(/on the waitlist/);
    const joined = describeEffectOutcome(fields({}), turn.effect!, { ok: true, position: 2 });
    expect(joined.replies[0]?.content).toBe("You're on the waitlist for Maya Chen on Monday, Nov 23 at 10:00–11:00: number 2 in line.");
    const failed = describeEffectOutcome(fields({}), turn.effect!, { ok: false, reason: "error" });
    expect(failed.replies[0]?.content).not.toMatch(/on the waitlist for/);
  });

  it("has no line to join without a taken slot in the chat", async () => {
    const turn = await respond({ fields: fields({}), message: QUICK.joinWaitlist, now: NOW, catalog });
    expect(turn.effect).toBeUndefined();
    expect(turn.replies.at(-1)?.content).toMatch(/no full session to wait for/);
  });

  it("leaves the line of the slot on offer and closes its form", async () => {
    const offered: BookingInfo = { ...REVIEW, fromWaitlist: true };
    const turn = await respond({ fields: fields({ bookingInfo: offered }), message: QUICK.leaveWaitlist, now: NOW, catalog });
    expect(turn.effect).toEqual({ type: "leave_waitlist", tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT });
    expect(turn.patch.bookingInfo).toBeNull();
  });

  it("opens an offer at the review only when every detail of the form is known", () => {
    const known = offerNotice({ tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT, studentName: "Ada", studentEmail: "ada@example.com", mode: "online", intake: "Recursion" });
    expect(known.bookingInfo).toMatchObject({ step: "review", fromWaitlist: true });
    expect(known.content).toMatch(/It is not booked yet/);
    expect(offerNotice({ tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT, studentName: "Ada" }).bookingInfo).toEqual({
      step: "confirm_slot", tutorId: "t-001", tutorName: "Maya Chen", slot: SLOT, fromWaitlist: true,
    });
    expect(showsOffer({ ...REVIEW, fromWaitlist: true }, { tutorId: "t-001", date: SLOT.date, start: SLOT.start })).toBe(true);
    expect(showsOffer({ ...REVIEW, step: "confirmed", fromWaitlist: true }, { tutorId: "t-001", date: SLOT.date, start: SLOT.start })).toBe(false);
    expect(showsOffer(REVIEW, { tutorId: "t-001", date: SLOT.date, start: SLOT.start })).toBe(false);
  });
});
