import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { COUNTERS, type Counter, type Counts } from "../../lib/analytics/events";
import { addDays, localNow } from "../../lib/calendar";
import type { ChatSession } from "../../durable-objects/chat-session";
import { replyKind } from "../../durable-objects/chat/feedback";
import { chatSession, newOwnerId, newSessionId, seedCatalog, TEST_NOW, unwrapOk } from "./helpers";
import { sidecar } from "./staff-helpers";
import { analyticsObject } from "../../services/objects";

const ZONE = "America/Los_Angeles";

/** The global Analytics object's totals over the center's last two local days. */
async function globalTotals(): Promise<Counts> {
  const today = localNow(new Date(), ZONE).date;
  return unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, ZONE)).totals;
}

async function expectDelta(before: Counts, delta: Partial<Record<Counter, number>>) {
  await vi.waitFor(async () => {
    const now = await globalTotals();
    const changed = Object.fromEntries(COUNTERS.map((counter) => [counter, now[counter] - before[counter]]).filter(([, n]) => n !== 0));
    expect(changed).toEqual(delta);
  }, { timeout: 10_000 }); // the count lands just after the answer (waitUntil): polled, not slept on
}

/** A chat with one exchange with the built-in assistant: the student's message and the first reply. */
async function chatWithReply() {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const sent = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "I need help with Python on Monday at 10" }));
  return { sessionId, ownerId, question: sent.message, reply: sent.replies[0]! };
}

/** The chat's stored feedback rows, read straight from its SQLite. */
function feedbackRows(sessionId: string) {
  return runInDurableObject(chatSession(sessionId) as DurableObjectStub<ChatSession>, (_instance, state) =>
    state.storage.sql.exec<{ message_id: string; vote: string; kind: string }>("SELECT message_id, vote, kind FROM feedback").toArray(),
  );
}

describe("feedback on assistant replies", () => {
  beforeAll(seedCatalog);

  it("stores one vote per reply, changes it, clears it, and counts a vote set or changed", async () => {
    const { sessionId, ownerId, reply } = await chatWithReply();
    expect(reply.id).toMatch(/:reply-0$/);

    let before = await globalTotals();
    expect(unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, "up"))).toEqual({ messageId: reply.id, vote: "up", kind: "assistant" });
    expect(await feedbackRows(sessionId)).toEqual([{ message_id: reply.id, vote: "up", kind: "assistant" }]);
    await expectDelta(before, { feedback_up: 1, feedback_up_assistant: 1 });

    before = await globalTotals();
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, "up")); // the same vote again: nothing new
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, "down"));
    expect(await feedbackRows(sessionId)).toEqual([{ message_id: reply.id, vote: "down", kind: "assistant" }]);
    // Center-wide, a change counts one down; per kind, the vote moved from up to down.
    await expectDelta(before, { feedback_down: 1, feedback_up_assistant: -1, feedback_down_assistant: 1 });

    before = await globalTotals();
    expect(unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, null))).toMatchObject({ vote: null });
    expect(await feedbackRows(sessionId)).toEqual([]);
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, "down")); // a vote set again after a clear counts again
    // Per kind, the clear took the down away and the new vote put it back: net nothing.
    await expectDelta(before, { feedback_down: 1 });
  });

  it("writes one row per vote set or changed and none for a repeat (rows counted by the object)", async () => {
    const { sessionId, ownerId, reply } = await chatWithReply();
    const stub = chatSession(sessionId);
    const rate = async (vote: "up" | "down" | null) => unwrapOk(await stub.rateReply(ownerId, reply.id, vote, TEST_NOW)).rows;
    expect(await rate("up")).toEqual({ reads: 0, writes: 1 });
    expect(await rate("up")).toEqual({ reads: 1, writes: 0 });
    expect(await rate("down")).toEqual({ reads: 1, writes: 1 });
    expect(await rate(null)).toEqual({ reads: 2, writes: 1 }); // the DELETE reads the row it removes
  });

  it("answers not found to another owner, for a student's message and for an unknown id, and stores nothing", async () => {
    const { sessionId, ownerId, question, reply } = await chatWithReply();
    expect(await sidecar.rateReply(sessionId, newOwnerId(), reply.id, "up")).toMatchObject({ ok: false, error: { code: "not_found:session" } });
    expect(await sidecar.rateReply(sessionId, ownerId, question.id, "up")).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(await sidecar.rateReply(sessionId, ownerId, `${question.id}:reply-7`, "up")).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(await sidecar.rateReply(sessionId, ownerId, "no-such-message", "down")).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(await sidecar.rateReply(newSessionId(), ownerId, reply.id, "up")).toMatchObject({ ok: false, error: { code: "not_found:session" } });
    expect(await feedbackRows(sessionId)).toEqual([]);
  });

  it("refuses a vote that is not up, down or null", async () => {
    const { sessionId, ownerId, reply } = await chatWithReply();
    for (const vote of ["sideways", 1, {}, undefined]) {
      expect(await sidecar.rateReply(sessionId, ownerId, reply.id, vote as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await feedbackRows(sessionId)).toEqual([]);
  });

  it("finds an older built-in reply by its question's index once it has left the newest page", async () => {
    const { sessionId, ownerId, reply } = await chatWithReply();
    const stub = chatSession(sessionId);
    const later = Array.from({ length: 55 }, (_, index) => ({ id: `later-${index}:bot-reply`, content: `answer ${index}` }));
    unwrapOk(await stub.appendAssistantTurn(ownerId, later, {}, TEST_NOW));
    const rated = unwrapOk(await stub.rateReply(ownerId, reply.id, "up", TEST_NOW));
    // The question by its index (1 row), the reply by its seq (1 row); no scan of the chat's 57 messages.
    expect(rated.rows).toEqual({ reads: 2, writes: 1 });
    expect(unwrapOk(await stub.rateReply(ownerId, "later-54:bot-reply", "down", TEST_NOW))).toMatchObject({ kind: "bot", vote: "down" });
  });

  it("labels each kind of reply by how its id was made", () => {
    expect(replyKind("0f6b1c1e-2c5e-4a4e-9a43-1d2c3b4a5f60:reply-2")).toBe("assistant");
    expect(replyKind("msg-1:bot-reply")).toBe("bot");
    expect(replyKind("bk-0123:cancelled")).toBe("cancel_notice");
    expect(replyKind("msg-1:unanswered")).toBe("unanswered");
    expect(replyKind("something-else")).toBe("other");
  });
});
