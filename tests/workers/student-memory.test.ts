import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { factsFromExchange } from "../../lib/memory/learn";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled } from "./staff-helpers";
import { bookPython, emptyBytes, facts, lastReplies, learned, say, sidecar } from "./memory-helpers";
import { studentMemory } from "../../services/objects";

describe("student memory through the assistant", () => {
  beforeAll(seedCatalog);

  it("greets a returning student by name and offers the same tutor at the same weekly hour", async () => {
    const ownerId = newOwnerId();
    const booked = (await bookPython(ownerId)).booking;
    await learned(ownerId, `tutor:${booked.tutorId}`);

    const sessionId = newSessionId();
    let state = await say(sessionId, ownerId, "hi");
    const greeting = lastReplies(state);
    expect(greeting).toContain("Welcome back, Ada!");
    expect(greeting).toContain(`Python with ${booked.tutorName} again, Monday`);
    expect(state.bookingInfo).toMatchObject({ step: "confirm_slot", tutorId: booked.tutorId, slot: { day: "monday", start: booked.slot.start } });
    // That Monday is taken by the first booking: the offer is the same hour a week later.
    expect(state.bookingInfo!.slot.date > booked.slot.date).toBe(true);

    // A repeat in two messages: "yes" goes straight to the review, with the known name, email and mode
    // and the topic carried over, for the student to check; "Confirm booking" books it.
    state = await say(sessionId, ownerId, "yes");
    expect(state.bookingInfo).toMatchObject({ step: "review", studentName: "Ada Lovelace", studentEmail: "ada@example.edu", mode: "online", intake: "More Python, as last time" });
    expect(lastReplies(state)).toContain("Great, the same as last time.");
    expect(lastReplies(state)).toContain("Email: ada@example.edu");
    state = await say(sessionId, ownerId, "Confirm booking");
    expect(state.bookingInfo).toMatchObject({ step: "confirmed", tutorId: booked.tutorId, studentEmail: "ada@example.edu" });
  });

  it("asks for the contact details again once the email was forgotten", async () => {
    const ownerId = newOwnerId();
    await bookPython(ownerId, "Grace Hopper", "grace@example.edu");
    await learned(ownerId, "email");
    expect(unwrapOk(await studentMemory(env, ownerId).forget(ownerId, "email")).forgotten).toBe(true);

    const sessionId = newSessionId();
    let state = await say(sessionId, ownerId, "hello");
    expect(lastReplies(state)).toContain("Welcome back, Grace!");
    state = await say(sessionId, ownerId, "yes");
    expect(state.bookingInfo?.step).toBe("contact");
    expect(state.bookingInfo?.studentEmail).toBeUndefined();
    expect(lastReplies(state)).toContain("What's your name and email?");
  });

  it("never offers a tutor the student asked to avoid", async () => {
    const ownerId = newOwnerId();
    const first = await say(newSessionId(), ownerId, "Python on Monday at 10");
    const avoided = first.pendingMatch!.tutor;
    await say(newSessionId(), ownerId, `Please don't book me with ${avoided.name}`);
    await learned(ownerId, `avoid_tutor:${avoided.name.toLowerCase().replace(/\s+/g, "-")}`);

    const again = await say(newSessionId(), ownerId, "Python on Monday at 10");
    expect(again.pendingMatch?.tutor.id).toBeDefined();
    expect(again.availableTutors.map((match) => match.tutor.id)).not.toContain(avoided.id);
  });

  it("never offers an hour the student said to avoid", async () => {
    const ownerId = newOwnerId();
    await say(newSessionId(), ownerId, "No mornings please.");
    await learned(ownerId, "avoid_time:mornings");
    const state = await say(newSessionId(), ownerId, "Python on Monday at 10");
    expect(state.availableTutors.length).toBeGreaterThan(0);
    for (const match of state.availableTutors) expect(match.slot.start >= "12:00").toBe(true);
  });

  it("offers the nearest alternative when the remembered tutor has retired", async () => {
    const ownerId = newOwnerId();
    const booked = (await bookPython(ownerId, "Hedy Lamarr", "hedy@example.edu")).booking;
    await learned(ownerId, `tutor:${booked.tutorId}`);
    await env.DB.prepare("UPDATE tutors SET retired_at = 1 WHERE id = ?").bind(booked.tutorId).run();
    try {
      const state = await say(newSessionId(), ownerId, "hi");
      expect(lastReplies(state)).toContain(`Last time it was Python with ${booked.tutorName} on Mondays at ${booked.slot.start}, which isn't available now.`);
      expect(state.bookingInfo?.step).toBe("confirm_slot");
      expect(state.bookingInfo?.tutorId).not.toBe(booked.tutorId);
    } finally {
      await env.DB.prepare("UPDATE tutors SET retired_at = NULL WHERE id = ?").bind(booked.tutorId).run();
    }
  });

  it("shapes the intake question with a stated goal, and carries it into a repeat's topic", async () => {
    const ownerId = newOwnerId();
    await say(newSessionId(), ownerId, "I have a Calc II exam on Friday");
    await learned(ownerId, "goal:calc-ii-exam-on-friday");
    // A first booking: the details step asks about the goal.
    const sessionId = newSessionId();
    await say(sessionId, ownerId, "I need help with Python on Monday at 10");
    await say(sessionId, ownerId, "Book this tutor");
    await say(sessionId, ownerId, "yes");
    const details = await say(sessionId, ownerId, "Alan Turing, alan@example.edu");
    const asked = details.bookingInfo?.mode ? lastReplies(details) : lastReplies(await say(sessionId, ownerId, "online"));
    expect(asked).toContain("What would you like to cover for your Calc II exam on Friday?");
    await say(sessionId, ownerId, "Integration by parts");
    expect((await say(sessionId, ownerId, "Confirm booking")).bookingInfo?.step).toBe("confirmed");
    await learned(ownerId, "email");

    // The repeat offer accepted: its topic names the goal.
    const again = newSessionId();
    await say(again, ownerId, "hi");
    const review = await say(again, ownerId, "yes");
    expect(review.bookingInfo).toMatchObject({ step: "review", intake: "Python: Calc II exam on Friday" });
  });

  it("keeps one owner's memory from every other owner", async () => {
    const ownerId = newOwnerId();
    const stranger = newOwnerId();
    await bookPython(ownerId, "Katherine Johnson", "katherine@example.edu");
    await learned(ownerId, "email");
    const memory = studentMemory(env, ownerId);
    expect(await memory.recall(stranger)).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(await memory.forget(stranger, "email")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(await memory.learn(stranger, [{ kind: "name", value: "Mallory", source: { type: "student_edit" }, confidence: 1 }], Date.now())).toMatchObject({
      ok: false,
      error: { code: "not_found:memory" },
    });
    expect(await memory.forgetAll(stranger)).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect((await facts(ownerId)).map((fact) => fact.id)).toContain("email");
    // The stranger's own chat knows nothing of it.
    const theirs = await say(newSessionId(), stranger, "hi");
    expect(lastReplies(theirs)).not.toContain("Welcome back");
  });

  it("writes only changed facts: a first booking 6 rows (plus the memory's creation), the same again 0, one correction 1", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    const chatId = newSessionId();
    const lesson = {
      type: "booked" as const,
      bookingId: "bk-0123456789abcdef0123456789abcdef",
      tutorId: "t-001",
      tutorName: "Maya Chen",
      subject: "Python",
      slot: { day: "monday" as const, date: "2026-11-30", start: "10:00", end: "11:00" },
      mode: "online" as const,
      studentName: "Ada Lovelace",
      studentEmail: "ada@example.edu",
    };
    // The memory is created by the first fact it learns (schema, its last-used column and owner row: 9 rows, once).
    const goal = factsFromExchange({ chatId, seq: 1, message: "I'm retaking Calc II" });
    expect(unwrapOk(await memory.learn(ownerId, goal, 500)).rows.writes).toBe(1 + 9);

    const booking = factsFromExchange({ chatId, seq: 9, message: "Confirm booking", lesson });
    expect(booking).toHaveLength(6);
    const first = unwrapOk(await memory.learn(ownerId, booking, 1_000));
    expect(first).toMatchObject({ changed: 6, rows: { writes: 6 } });

    const again = unwrapOk(await memory.learn(ownerId, booking, 2_000));
    expect(again).toMatchObject({ changed: 0, rows: { writes: 0 } });

    const correction = factsFromExchange({ chatId, seq: 11, message: "actually my email is ada@newmail.example" });
    const corrected = unwrapOk(await memory.learn(ownerId, correction, 3_000));
    expect(corrected).toMatchObject({ changed: 1, rows: { writes: 1 } });

    // A statement beats the booking's guess at a preference; saying it twice writes once.
    const stated = factsFromExchange({ chatId, seq: 13, message: "I prefer in person. No mornings." });
    expect(unwrapOk(await memory.learn(ownerId, stated, 4_000)).rows.writes).toBe(2);
    expect(unwrapOk(await memory.learn(ownerId, stated, 5_000)).rows.writes).toBe(0);

    // Recalling is from memory: 0 rows read. The first recall of a day stores the day of use (1 row); later ones nothing.
    await memory.recall(ownerId);
    const before = await memory.rowCounts();
    await memory.recall(ownerId);
    expect(await memory.rowCounts()).toEqual(before);
  });

  it("learns a booking's outcome from outside the chat: cancelled on My bookings is not offered again, attended on the staff schedule is", async () => {
    const ownerId = newOwnerId();
    const booked = (await bookPython(ownerId, "Dorothy Vaughan", "dorothy@example.edu")).booking;
    const factId = `tutor:${booked.tutorId}`;
    await learned(ownerId, factId);
    unwrapOk(await sidecar.cancelBooking(ownerId, booked.bookingId!));
    await vi.waitFor(async () => {
      const fact = (await facts(ownerId)).find((entry) => entry.id === factId);
      expect(fact?.detail?.outcome).toBe("cancelled");
    }, { timeout: 10_000, interval: 20 });
    const greeted = await say(newSessionId(), ownerId, "hi");
    expect(lastReplies(greeted)).toContain("Welcome back, Dorothy! What subject would you like help with?");
    expect(greeted.bookingInfo).toBeNull();

    // Staff mark it attended on the schedule (moved to last week first: attendance needs a started session).
    await env.DB.prepare("UPDATE bookings SET status = 'confirmed', date = '2026-01-05' WHERE id = ?").bind(booked.bookingId!).run();
    const token = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;
    unwrapOk(await sidecar.staffScheduleAttendance(token, { bookingId: booked.bookingId!, attendance: "attended" }));
    await vi.waitFor(async () => {
      const fact = (await facts(ownerId)).find((entry) => entry.id === factId);
      expect(fact?.detail?.outcome).toBe("attended");
    }, { timeout: 10_000, interval: 20 });
    // Settling again changes nothing: 0 rows.
    expect(unwrapOk(await studentMemory(env, ownerId).settle(ownerId, booked.bookingId!, "attended", Date.now()))).toMatchObject({ changed: 0, rows: { writes: 0 } });
    const offered = await say(newSessionId(), ownerId, "hi");
    expect(lastReplies(offered)).toContain(`Python with ${booked.tutorName} again`);
  });

  it("learns nothing (no call, no storage) from an exchange that states nothing", async () => {
    const ownerId = newOwnerId();
    await say(newSessionId(), ownerId, "Python on Monday at 10");
    const memory = studentMemory(env, ownerId);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
    expect(unwrapOk(await memory.recall(ownerId)).facts).toEqual([]);
  });

  it("forgets everything: the storage of a never-used object, no facts, and the next chat does not know the student", async () => {
    const ownerId = newOwnerId();
    await bookPython(ownerId, "Mary Jackson", "mary@example.edu");
    await learned(ownerId, "email");
    const memory = studentMemory(env, ownerId);
    expect(await memory.storageBytes()).toBeGreaterThan(0);
    expect(unwrapOk(await memory.forgetAll(ownerId))).toMatchObject({ forgotten: true });
    expect(await memory.storageBytes()).toBe(await emptyBytes());
    expect(unwrapOk(await memory.recall(ownerId)).facts).toEqual([]);
    const fresh = await say(newSessionId(), ownerId, "hi");
    expect(lastReplies(fresh)).not.toContain("Welcome back");
  });
});
