import { exports } from "cloudflare:workers";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChatState } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";

// The sidecar's default entrypoint, called over RPC exactly as the web worker's binding does.
const sidecar = exports.default as unknown as SidecarApi;

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

/** Walks one student to the review step for the first Python tutor free Monday at 10. */
async function toReview(name: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  let state = await say(sessionId, ownerId, "I need help with Python on Monday at 10");
  expect(state.pendingMatch?.tutor.subjects).toContain("Python");
  state = await say(sessionId, ownerId, "Book this tutor");
  expect(state.bookingInfo?.step).toBe("confirm_slot");
  state = await say(sessionId, ownerId, "yes");
  expect(state.bookingInfo?.step).toBe("contact");
  state = await say(sessionId, ownerId, `${name}, ${name.split(" ")[0]!.toLowerCase()}@example.com`);
  expect(state.bookingInfo?.step).toBe("details");
  state = await say(sessionId, ownerId, "Online. Recursion and list comprehensions");
  expect(state.bookingInfo?.step).toBe("review");
  return { sessionId, ownerId, state };
}

async function confirmedBookings(tutorId: string, date: string, start: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, owner_id, status FROM bookings WHERE tutor_id = ? AND date = ? AND start = ? AND status = 'confirmed'",
  )
    .bind(tutorId, date, start)
    .all<{ id: string; owner_id: string; status: string }>();
  return results;
}

describe("booking through the assistant", () => {
  beforeAll(seedCatalog);

  it("goes from a request to a confirmed booking with one booking row", async () => {
    const { sessionId, ownerId, state } = await toReview("Ada Lovelace");
    const confirmed = await say(sessionId, ownerId, "Confirm booking");
    const booking = confirmed.bookingInfo!;
    expect(booking.step).toBe("confirmed");
    expect(booking.bookingId).toMatch(/^bk-/);
    expect(booking).toMatchObject({ studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online" });
    const rows = await confirmedBookings(booking.tutorId, booking.slot.date, booking.slot.start);
    expect(rows).toEqual([{ id: booking.bookingId, owner_id: ownerId, status: "confirmed" }]);
    expect(state.bookingInfo?.tutorId).toBe(booking.tutorId);
  });

  it("books a contested slot exactly once when two students confirm at the same moment", async () => {
    const [first, second] = [await toReview("Grace Hopper"), await toReview("Alan Turing")];
    const slot = first.state.bookingInfo!;
    expect(second.state.bookingInfo).toMatchObject({ tutorId: slot.tutorId, slot: slot.slot });

    const results = await Promise.all([
      say(first.sessionId, first.ownerId, "Confirm booking"),
      say(second.sessionId, second.ownerId, "Confirm booking"),
    ]);
    const steps = results.map((state) => state.bookingInfo?.step ?? null).sort();
    // The loser is back at matching with the next tutor offered, its form closed.
    expect(steps).toEqual(["confirmed", null]);
    const loser = results.find((state) => state.bookingInfo?.step !== "confirmed")!;
    expect(loser.messages.at(-1)?.content).toMatch(/just taken/);
    expect(loser.pendingMatch?.tutor.id).not.toBe(slot.tutorId);
    expect(await confirmedBookings(slot.tutorId, slot.slot.date, slot.slot.start)).toHaveLength(1);
  });

  it("frees the slot when the student cancels their booking", async () => {
    const student = await toReview("Katherine Johnson");
    const booked = (await say(student.sessionId, student.ownerId, "Confirm booking")).bookingInfo!;
    // Asked first: nothing is cancelled until the student says yes.
    const asked = await say(student.sessionId, student.ownerId, "Cancel my booking");
    expect(asked.bookingInfo).toMatchObject({ step: "confirmed", cancelAsked: true });
    expect(await confirmedBookings(booked.tutorId, booked.slot.date, booked.slot.start)).toHaveLength(1);
    const cancelled = await say(student.sessionId, student.ownerId, "Yes");
    expect(cancelled.bookingInfo?.step).toBe("cancelled");
    const { results } = await env.DB.prepare("SELECT status FROM bookings WHERE id = ?").bind(booked.bookingId!).all();
    expect(results).toEqual([{ status: "cancelled" }]);
    expect(await confirmedBookings(booked.tutorId, booked.slot.date, booked.slot.start)).toHaveLength(0);
  });

  it("never confirms out of order: 'confirm' at the contact step books nothing", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "I need help with Python on Monday at 10");
    await say(sessionId, ownerId, "Book this tutor");
    await say(sessionId, ownerId, "yes");
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE owner_id = ?").bind(ownerId).first<{ n: number }>();
    const state = await say(sessionId, ownerId, "Confirm booking");
    expect(state.bookingInfo?.step).toBe("contact");
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE owner_id = ?").bind(ownerId).first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("refuses a PATCH that moves a booking step or invents a match, and keeps the state", async () => {
    const { sessionId, ownerId, state } = await toReview("Mary Jackson");
    const jump = await sidecar.patchState(sessionId, ownerId, { bookingInfo: { ...state.bookingInfo!, step: "confirmed", bookingId: "bk-forged" } });
    expect(jump).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    const invented = await sidecar.patchState(sessionId, ownerId, {
      pendingMatch: { ...state.availableTutors[0]!, slot: { ...state.availableTutors[0]!.slot, start: "03:00", end: "04:00" } },
    });
    expect(invented).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    // Saving a draft of the form's own fields is allowed.
    const draft = unwrapOk(await sidecar.patchState(sessionId, ownerId, { bookingInfo: { ...state.bookingInfo!, intake: "Recursion only" } }));
    expect(draft.bookingInfo).toMatchObject({ step: "review", intake: "Recursion only" });
  });

  it("records a message for the tutoring center with the transcript", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "I need help with underwater basket weaving");
    await say(sessionId, ownerId, "Leave a message for the tutoring center");
    await say(sessionId, ownerId, "Does anyone teach basket weaving?");
    const state = await say(sessionId, ownerId, "Yes");
    expect(state.messages.at(-1)?.content).toMatch(/tutoring center/i);
    const row = await env.DB.prepare("SELECT note, transcript FROM staff_messages WHERE session_id = ?").bind(sessionId).first<{ note: string; transcript: string }>();
    expect(row?.note).toMatch(/^Does anyone teach basket weaving\?/);
    expect(JSON.parse(row!.transcript).some((m: { content: string }) => m.content.includes("basket weaving"))).toBe(true);
  });
});
