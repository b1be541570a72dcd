import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { factValueText } from "../../lib/memory/describe";
import { factsFromExchange } from "../../lib/memory/learn";
import type { StudentFact } from "../../lib/memory/schemas";
import type { ChatState } from "../../lib/schemas";
import { addDays, localNow, nextDateFor } from "../../lib/calendar";
import { DEFAULT_TIME_ZONE } from "../../lib/tutoring/assistant";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { lastReplies, say, sidecar } from "./memory-helpers";
import { enrolled } from "./staff-helpers";
import { studentMemory } from "../../services/objects";

/**
 * The student's memory follows what happens to a booking after it was made: a move (the weekly
 * hour, and the tutor, become the new ones), the student's cancel (not offered "again") and the
 * center's cancel (the preference stays). Physics with Nikolai Petrov (t-010: Tuesdays 13–16,
 * Thursdays 10–13, in person; Andrés Castillo, t-026, also teaches it on Saturdays 11–14).
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Dec 15" for 2026-12-15: a date the assistant reads as that day. */
function spoken(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}`;
}

/** The first `weekday` at least `days` days from today at the center: far outside the 24-hour cutoff. */
function dateAhead(weekday: Parameters<typeof nextDateFor>[0], days: number): string {
  return nextDateFor(weekday, addDays(localNow(new Date(), DEFAULT_TIME_ZONE).date, days));
}

async function tutorFact(ownerId: string, tutorId: string): Promise<StudentFact | undefined> {
  return unwrapOk(await studentMemory(env, ownerId).recall(ownerId)).facts.find((fact) => fact.id === `tutor:${tutorId}`);
}

/** What the memory page lists, in its words. */
async function pageLines(ownerId: string): Promise<string[]> {
  return unwrapOk(await sidecar.memoryFacts(ownerId)).facts.map(factValueText);
}

/** Waits until the memory's tutor fact matches (the memory learns un-awaited: polled, never slept on). */
async function remembered(ownerId: string, tutorId: string, detail: Record<string, unknown>): Promise<StudentFact> {
  return vi.waitFor(async () => {
    const fact = await tutorFact(ownerId, tutorId);
    expect(fact?.detail).toMatchObject(detail);
    return fact!;
  }, { timeout: 10_000, interval: 20 });
}

/** A new student books Physics with Nikolai Petrov on the Tuesday `date` at 13:00, in person, from one chat. */
async function bookTuesday(date: string): Promise<{ ownerId: string; sessionId: string; bookingId: string }> {
  const ownerId = newOwnerId();
  const sessionId = newSessionId();
  let state = await say(sessionId, ownerId, `I need help with Physics on ${spoken(date)} at 1pm`);
  expect(state.pendingMatch).toMatchObject({ tutor: { id: "t-010" }, slot: { date, start: "13:00" } });
  await say(sessionId, ownerId, "Book this tutor");
  await say(sessionId, ownerId, "yes");
  state = await say(sessionId, ownerId, "Ada Lovelace, ada@example.edu");
  if (state.bookingInfo?.step === "details" && !state.bookingInfo.mode) state = await say(sessionId, ownerId, "In person");
  if (state.bookingInfo?.step === "details") state = await say(sessionId, ownerId, "Forces and motion");
  expect(state.bookingInfo?.step).toBe("review");
  state = await say(sessionId, ownerId, "Confirm booking");
  expect(state.bookingInfo).toMatchObject({ step: "confirmed", tutorId: "t-010" });
  const bookingId = state.bookingInfo!.bookingId!;
  await remembered(ownerId, "t-010", { day: "tuesday", start: "13:00", outcome: "booked", bookingId });
  return { ownerId, sessionId, bookingId };
}

/** Asks to move the chat's booking to `when` and accepts the first offer, which must be `expected`. */
async function moveTo(booked: { ownerId: string; sessionId: string }, when: string, expected: { tutorId: string; date: string; start: string }): Promise<ChatState> {
  const offer = await say(booked.sessionId, booked.ownerId, `move my session to ${when}`);
  expect(offer.bookingInfo?.moveOptions?.[0]).toMatchObject({ tutorId: expected.tutorId, slot: { date: expected.date, start: expected.start } });
  const moved = await say(booked.sessionId, booked.ownerId, "yes");
  expect(moved.bookingInfo).toMatchObject({ step: "confirmed", tutorId: expected.tutorId, slot: { date: expected.date, start: expected.start } });
  return moved;
}

describe("the student's memory follows a booking's later life", () => {
  beforeAll(seedCatalog);

  it("a move to Thursday at 10:00: the memory lists Thursdays at 10:00 and the welcome-back offers Thursday; after the student cancels it, nothing is offered again", async () => {
    const tuesday = dateAhead("tuesday", 3);
    const thursday = addDays(tuesday, 2);
    const booked = await bookTuesday(tuesday);
    expect(await pageLines(booked.ownerId)).toContain("Nikolai Petrov (Physics, Tuesdays at 13:00, in person, booked)");

    await moveTo(booked, `${spoken(thursday)} at 10am`, { tutorId: "t-010", date: thursday, start: "10:00" });
    await remembered(booked.ownerId, "t-010", { day: "thursday", start: "10:00", outcome: "booked", bookingId: booked.bookingId });
    const lines = await pageLines(booked.ownerId);
    expect(lines).toContain("Nikolai Petrov (Physics, Thursdays at 10:00, in person, booked)");
    expect(lines.join("\n")).not.toContain("Tuesdays at 13:00");
    expect(lines).toContain(`Moved Physics with Nikolai Petrov to Thursday 10:00.`);

    const welcome = await say(newSessionId(), booked.ownerId, "hi");
    expect(lastReplies(welcome)).toContain("Physics with Nikolai Petrov again, Thursday");
    expect(welcome.bookingInfo).toMatchObject({ step: "confirm_slot", tutorId: "t-010", slot: { day: "thursday", start: "10:00" } });

    // The student cancels it in its chat (asked first, then yes): the moved session is not offered "again".
    await say(booked.sessionId, booked.ownerId, "cancel my booking");
    expect((await say(booked.sessionId, booked.ownerId, "yes")).bookingInfo?.step).toBe("cancelled");
    await remembered(booked.ownerId, "t-010", { day: "thursday", start: "10:00", outcome: "cancelled", bookingId: booked.bookingId });
    expect(await pageLines(booked.ownerId)).toContain("Nikolai Petrov (Physics, Thursdays at 10:00, in person, cancelled)");
    const after = await say(newSessionId(), booked.ownerId, "hi");
    expect(lastReplies(after)).toContain("Welcome back, Ada! What subject would you like help with?");
    expect(lastReplies(after)).not.toContain("again");
    expect(after.bookingInfo).toBeNull();
  });

  it("a move to another tutor: the booking's fact goes with it (the old tutor's is dropped), and the repeat offers the new tutor", async () => {
    const tuesday = dateAhead("tuesday", 10);
    const saturday = addDays(tuesday, 4);
    const booked = await bookTuesday(tuesday);
    await moveTo(booked, `${spoken(saturday)} at 11am`, { tutorId: "t-026", date: saturday, start: "11:00" });
    await remembered(booked.ownerId, "t-026", { tutorId: "t-026", subject: "Physics", day: "saturday", start: "11:00", mode: "in_person", outcome: "booked", bookingId: booked.bookingId });
    expect(await tutorFact(booked.ownerId, "t-010")).toBeUndefined();
    expect(await pageLines(booked.ownerId)).toContain("Andrés Castillo (Physics, Saturdays at 11:00, in person, booked)");

    const welcome = await say(newSessionId(), booked.ownerId, "hi");
    expect(lastReplies(welcome)).toContain("Physics with Andrés Castillo again, Saturday");
  });

  it("a cancel on My bookings is not offered again; one by the center keeps the preference (offered again, listed as cancelled by the center)", async () => {
    const mine = await bookTuesday(dateAhead("tuesday", 17));
    unwrapOk(await sidecar.cancelBooking(mine.ownerId, mine.bookingId));
    await remembered(mine.ownerId, "t-010", { outcome: "cancelled" });
    expect((await tutorFact(mine.ownerId, "t-010"))?.detail?.cancelledBy).not.toBe("center");
    expect(lastReplies(await say(newSessionId(), mine.ownerId, "hi"))).not.toContain("again");

    const theirs = await bookTuesday(dateAhead("tuesday", 24));
    const token = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;
    unwrapOk(await sidecar.staffScheduleCancel(token, { bookingId: theirs.bookingId, reason: "Tutor is ill" }));
    await remembered(theirs.ownerId, "t-010", { day: "tuesday", start: "13:00", outcome: "cancelled", cancelledBy: "center" });
    expect(await pageLines(theirs.ownerId)).toContain("Nikolai Petrov (Physics, Tuesdays at 13:00, in person, cancelled by the center)");
    const welcome = await say(newSessionId(), theirs.ownerId, "hi");
    expect(lastReplies(welcome)).toContain("Physics with Nikolai Petrov again, Tuesday");
  });

  it("writes only what changed: a move 2 rows (3 to another tutor), the student's cancel 2, the center's 1, the same again 0; a booking it does not remember or a malformed move, nothing", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    const bookingId = "bk-00000000000000000000000000000001";
    const lesson = {
      type: "booked" as const, bookingId, tutorId: "t-010", tutorName: "Nikolai Petrov", subject: "Physics",
      slot: { day: "tuesday" as const, date: "2026-12-15", start: "13:00", end: "14:00" }, mode: "in_person" as const,
      studentName: "Ada Lovelace", studentEmail: "ada@example.edu",
    };
    unwrapOk(await memory.learn(ownerId, factsFromExchange({ chatId: newSessionId(), seq: 9, message: "Confirm booking", lesson }), 1_000));
    const thursday = { bookingId, to: { tutorId: "t-010", tutorName: "Nikolai Petrov", day: "thursday", start: "10:00" } };
    expect(unwrapOk(await memory.moved(ownerId, thursday, 2_000))).toMatchObject({ changed: 2, rows: { writes: 2 } });
    expect(unwrapOk(await memory.moved(ownerId, thursday, 3_000))).toMatchObject({ changed: 0, rows: { writes: 0 } });
    const saturday = { bookingId, to: { tutorId: "t-026", tutorName: "Andrés Castillo", day: "saturday", start: "11:00" } };
    expect(unwrapOk(await memory.moved(ownerId, saturday, 4_000))).toMatchObject({ changed: 3, rows: { writes: 3 } });
    expect(unwrapOk(await memory.settle(ownerId, bookingId, "cancelled", 5_000, "center"))).toMatchObject({ changed: 1, rows: { writes: 1 } });
    expect(unwrapOk(await memory.settle(ownerId, bookingId, "cancelled", 6_000, "student"))).toMatchObject({ changed: 2, rows: { writes: 2 } });
    expect(unwrapOk(await memory.settle(ownerId, bookingId, "cancelled", 7_000, "student"))).toMatchObject({ changed: 0, rows: { writes: 0 } });

    const before = unwrapOk(await memory.recall(ownerId)).facts;
    expect(unwrapOk(await memory.moved(ownerId, { ...thursday, bookingId: "bk-unknown" }, 8_000))).toMatchObject({ changed: 0, rows: { writes: 0 } });
    for (const bad of [{ bookingId }, { bookingId, to: { ...thursday.to, day: "someday" } }, { bookingId, to: { ...thursday.to, start: "25:00" } }, null]) {
      expect(await memory.moved(ownerId, bad, 9_000)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await memory.settle(ownerId, bookingId, "attended", 9_000, "center")).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await memory.moved(newOwnerId(), thursday, 9_000)).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(unwrapOk(await memory.recall(ownerId)).facts).toEqual(before);
  });
});
