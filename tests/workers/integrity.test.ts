import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChatSession } from "../../durable-objects/chat-session";
import { Lease } from "../../lib/queue/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import type { BookingInfo } from "../../lib/tutoring/schemas";
import { performEffect } from "../../services/effects";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { atReview, lastReplies, say } from "./memory-helpers";
import { messageQueue } from "../../services/objects";

const sidecar = exports.default as unknown as SidecarApi;



/** Puts a (forged) booking form in the chat the way only the server could: the test plays an attacker who got past PATCH. */
async function forgeForm(sessionId: string, ownerId: string, bookingInfo: BookingInfo) {
  unwrapOk(await chatSession(sessionId).appendAssistantTurn(ownerId, [], { bookingInfo }, Date.now()));
}

async function bookingsFor(ownerId: string) {
  const { results } = await env.DB.prepare("SELECT id, tutor_id, date, start, \"end\", mode, status FROM bookings WHERE owner_id = ?").bind(ownerId).all();
  return results;
}

describe("what a client sends cannot book what the center did not offer", () => {
  beforeAll(seedCatalog);

  it("refuses a PATCHed pending match that differs from the one shown, and invented tutors", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const state = await say(sessionId, ownerId, "I need help with Python on Monday at 10");
    const shown = state.availableTutors[0]!;
    const forged = { ...shown, slot: { ...shown.slot, end: "23:59" }, tutor: { ...shown.tutor, mode: "in_person" as const } };
    expect(await sidecar.patchState(sessionId, ownerId, { pendingMatch: forged })).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    expect(await sidecar.patchState(sessionId, ownerId, { availableTutors: [forged] })).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    // The shown match itself, exactly as shown, is fine.
    unwrapOk(await sidecar.patchState(sessionId, ownerId, { pendingMatch: shown }));
    const after = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(after.availableTutors).toEqual(state.availableTutors);
    expect(after.pendingMatch).toEqual(shown);
  });

  it("refuses a booking outside the tutor's hours or in a mode they do not teach, even from a forged form", async () => {
    const { sessionId, ownerId, booking } = await atReview();
    await forgeForm(sessionId, ownerId, { ...booking, slot: { ...booking.slot, end: "23:59" } });
    const state = await say(sessionId, ownerId, "Confirm booking");
    expect(state.bookingInfo?.step).not.toBe("confirmed");
    expect(state.messages.at(-1)?.content).toMatch(/not open/);
    expect(await bookingsFor(ownerId)).toEqual([]);

    // The other way round: the mode this tutor does not teach (the seed catalog has no "both" among the first Python tutors).
    const other = await atReview();
    const tutor = await env.DB.prepare("SELECT mode FROM tutors WHERE id = ?").bind(other.booking.tutorId).first<{ mode: string }>();
    expect(tutor?.mode === "online" || tutor?.mode === "in_person").toBe(true);
    await forgeForm(other.sessionId, other.ownerId, { ...other.booking, mode: tutor!.mode === "online" ? "in_person" : "online" });
    const refused = await say(other.sessionId, other.ownerId, "Confirm booking");
    expect(refused.bookingInfo?.step).not.toBe("confirmed");
    expect(await bookingsFor(other.ownerId)).toEqual([]);
  });

  it("refuses a slot that overlaps another confirmed booking with a different start", async () => {
    const first = await atReview();
    const booked = await say(first.sessionId, first.ownerId, "Confirm booking");
    expect(booked.bookingInfo?.step).toBe("confirmed");
    const { start, end } = first.booking.slot;
    const halfPast = `${start.slice(0, 2)}:30`;
    expect(halfPast > start && halfPast < end).toBe(true);

    const second = await atReview();
    expect(second.booking.tutorId).not.toBe(first.booking.tutorId); // the taken slot is no longer offered...
    // ...so the attacker forges the first tutor at half past, inside the tutor's hours but over the booking.
    await forgeForm(second.sessionId, second.ownerId, {
      ...second.booking,
      tutorId: first.booking.tutorId,
      tutorName: first.booking.tutorName,
      slot: { ...first.booking.slot, start: halfPast, end: `${String(Number(halfPast.slice(0, 2)) + 1).padStart(2, "0")}:30` },
    });
    const state = await say(second.sessionId, second.ownerId, "Confirm booking");
    expect(state.bookingInfo?.step).not.toBe("confirmed");
    expect(await bookingsFor(second.ownerId)).toEqual([]);
  });

  it("books once per message: a retried effect finds its own booking", async () => {
    const { sessionId, ownerId, booking } = await atReview();
    const effect = {
      type: "create_booking" as const,
      booking: {
        tutorId: booking.tutorId, date: booking.slot.date, start: booking.slot.start, end: booking.slot.end,
        studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online" as const, intake: "Recursion", subject: "Python",
      },
    };
    const context = {
      env, sessionId, ownerId,
      messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: DEFAULT_CENTER_POLICY,
    };
    const first = await performEffect(effect, context);
    const retry = await performEffect(effect, context);
    expect(first).toMatchObject({ ok: true, bookingId: expect.stringMatching(/^bk-[0-9a-f]{32}$/) });
    expect(retry).toEqual(first);
    expect(await bookingsFor(ownerId)).toHaveLength(1);
    // Another chat's message with the same id is another booking attempt, not this one.
    const elsewhere = await performEffect(effect, { ...context, sessionId: newSessionId() });
    expect(elsewhere).toMatchObject({ ok: false, reason: "slot_taken" });
  });
});

describe("no lost replies", () => {
  it("delivers a bot's reply on a retried complete when the first append never happened", async () => {
    const { acceptUserMessage } = await import("../../services/assistant-turn");
    const { BotQueueApi } = await import("../../workers/bot-queue");
    const external = { ...env, BOT_MODE: "external" };
    const bots = new BotQueueApi(external);
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const sent = unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message: { content: "will my answer survive?" }, now: new Date() }));
    const lease = Lease.parse(unwrapOk(await bots.claim(env.BOT_TOKEN, { messageId: sent.message.id, workerId: "crashy-bot" })));
    // The queue records the completion, then the sidecar dies before appending to the chat.
    unwrapOk(await messageQueue(env).complete({ messageId: sent.message.id, leaseId: lease.leaseId, reply: "Yes, it survives." }));
    expect(unwrapOk(await chatSession(sessionId).getState(ownerId)).messages.some((message) => message.role === "assistant")).toBe(false);

    const retry = unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId: sent.message.id, leaseId: lease.leaseId, reply: "Yes, it survives." }));
    expect(retry.duplicate).toBe(true);
    const again = unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId: sent.message.id, leaseId: lease.leaseId, reply: "Yes, it survives." }));
    expect(again.duplicate).toBe(true);
    const replies = unwrapOk(await chatSession(sessionId).getState(ownerId)).messages.filter((message) => message.role === "assistant");
    expect(replies.map((message) => message.content)).toEqual(["Yes, it survives."]);
  });
});

describe("one chat can never act on another's queued message", () => {
  it("refuses an enqueue that reuses another chat's message id, pending or answered", async () => {
    const queue = messageQueue(env);
    const messageId = crypto.randomUUID();
    const mine = newSessionId();
    unwrapOk(await queue.enqueue({ messageId, sessionId: mine, ownerId: newOwnerId(), content: "mine", createdAt: Date.now() }));
    const theirs = { messageId, sessionId: newSessionId(), ownerId: newOwnerId(), content: "hijack", createdAt: Date.now() };
    expect(await queue.enqueue(theirs)).toMatchObject({ ok: false, error: { code: "conflict:message" } });
    const pending = unwrapOk(await queue.pending(1000)).messages.find((message) => message.messageId === messageId);
    expect(pending).toMatchObject({ sessionId: mine, content: "mine" });

    const lease = unwrapOk(await queue.claim({ messageId, workerId: "bot" }));
    unwrapOk(await queue.complete({ messageId, leaseId: lease.leaseId, reply: "done" }));
    expect(await queue.enqueue(theirs)).toMatchObject({ ok: false, error: { code: "conflict:message" } });
  });
});

describe("several bookings per student", () => {
  beforeAll(seedCatalog);

  it("lets the owner cancel each of their bookings, from any chat, and tells the chat that made it", async () => {
    const ownerId = newOwnerId();
    const book = async (request: string) => {
      const sessionId = newSessionId();
      for (const content of [request, "Book this tutor", "yes", "Ada Lovelace, ada@example.com", "Online. Recursion", "Confirm booking"]) {
        await say(sessionId, ownerId, content);
      }
      const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
      expect(state.bookingInfo?.step).toBe("confirmed");
      return { sessionId, bookingId: state.bookingInfo!.bookingId! };
    };
    const first = await book("I need help with Python on Monday at 10");
    const second = await book("I need help with Statistics on Tuesday at 2pm");
    const listed = unwrapOk(await sidecar.listBookings(ownerId));
    expect(listed.map((booking) => booking.id).sort()).toEqual([first.bookingId, second.bookingId].sort());

    // Another owner cannot cancel it; a made-up id is not found either.
    expect(await sidecar.cancelBooking(newOwnerId(), first.bookingId)).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    expect(await sidecar.cancelBooking(ownerId, "bk-constructor")).toMatchObject({ ok: false, error: { code: "not_found:booking" } });

    unwrapOk(await sidecar.cancelBooking(ownerId, first.bookingId));
    const after = unwrapOk(await sidecar.listBookings(ownerId));
    expect(Object.fromEntries(after.map((booking) => [booking.id, booking.status]))).toEqual({ [first.bookingId]: "cancelled", [second.bookingId]: "confirmed" });
    const chat = unwrapOk(await sidecar.getState(first.sessionId, ownerId));
    expect(chat.bookingInfo?.step).toBe("cancelled");
    expect(chat.messages.at(-1)?.content).toMatch(/is cancelled/);
    // A second cancel is a 404 and says nothing more in the chat.
    expect(await sidecar.cancelBooking(ownerId, first.bookingId)).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    expect(unwrapOk(await sidecar.getState(first.sessionId, ownerId)).messages.length).toBe(chat.messages.length);
    expect(unwrapOk(await sidecar.getState(second.sessionId, ownerId)).bookingInfo?.step).toBe("confirmed");
  });
});

describe("the chat's D1 record and its object agree after a failure", () => {
  beforeAll(seedCatalog);

  it("writes a chat's D1 row with its next message when the first message's write failed", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    // The first message's D1 write fails (the table is away), and the chat still answers.
    await env.DB.prepare("ALTER TABLE chats RENAME TO chats_away").run();
    try {
      expect(lastReplies(await say(sessionId, ownerId, "hello"))).not.toBe("");
    } finally {
      await env.DB.prepare("ALTER TABLE chats_away RENAME TO chats").run();
    }
    expect(unwrapOk(await sidecar.listChats(ownerId, false))).toEqual([]);
    await say(sessionId, ownerId, "still there?");
    expect(unwrapOk(await sidecar.listChats(ownerId, false)).map((chat) => chat.id)).toEqual([sessionId]);
    // Known now: a third message writes no row again.
    const before = await env.DB.prepare("SELECT updated_at FROM chats WHERE id = ?").bind(sessionId).first();
    await say(sessionId, ownerId, "and again");
    expect(await env.DB.prepare("SELECT updated_at FROM chats WHERE id = ?").bind(sessionId).first()).toEqual(before);
  });

  it("reopens the chat's object on a retried restore after D1 was restored but the object was not", async () => {
    const { restoreChat } = await import("../../services/db/chats");
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "trash and back");
    unwrapOk(await sidecar.deleteChat(sessionId, ownerId));
    // The first restore got as far as D1, then the object could not be reached.
    expect(await restoreChat(env.DB, { id: sessionId, ownerId, now: Date.now() })).toMatchObject({ ok: true });
    expect(await sidecar.getState(sessionId, ownerId)).toMatchObject({ ok: false, error: { code: "gone:chat" } });

    unwrapOk(await sidecar.restoreChat(sessionId, ownerId));
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId)).messages[0]?.content).toBe("trash and back");
    // Once open, the chat is not in the trash: restoring it again is a 404, as for any live chat.
    expect(await sidecar.restoreChat(sessionId, ownerId)).toMatchObject({ ok: false, error: { code: "not_found:chat" } });
    // Someone else's chat is still not theirs to restore.
    expect(await sidecar.restoreChat(sessionId, newOwnerId())).toMatchObject({ ok: false });
  });
});

describe("a failure while answering is never silence", () => {
  it("stores the student's message with an honest apology when the built-in turn fails", async () => {
    const { TURN_FAILED } = await import("../../services/assistant-turn");
    // A fake of an outside system: a D1 that is down.
    const downDb = new Proxy(env.DB, {
      get(target, property) {
        if (property === "prepare" || property === "batch") return () => {
          throw new Error("D1 is unavailable (test fake)");
        };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const stub = chatSession(sessionId);
    const stored = await runInDurableObject(stub, async (instance: ChatSession) => {
      const live = instance as unknown as { env: Env };
      const saved = live.env;
      live.env = { ...saved, DB: downDb };
      try {
        return await instance.exchange(ownerId, sessionId, { id: crypto.randomUUID(), content: "Python on Monday at 10" }, Date.now());
      } finally {
        live.env = saved;
      }
    });
    const sent = unwrapOk(stored).sent;
    expect(sent.replies.map((reply) => reply.content)).toEqual([TURN_FAILED]);
    expect(unwrapOk(await stub.getState(ownerId)).messages.map((message) => message.role)).toEqual(["user", "assistant"]);
  });
});
