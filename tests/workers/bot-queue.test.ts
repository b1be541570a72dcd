import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DeadLetter, MAX_ATTEMPTS } from "../../lib/queue/schemas";
import type { ChatSession } from "../../durable-objects/chat-session";
import { UNANSWERED } from "../../durable-objects/message-queue";
import { LIMITS } from "../../lib/rate-limits";
import { DEFAULT_PAGE_SIZE } from "../../lib/schemas";
import { acceptUserMessage } from "../../services/assistant-turn";
import { BotQueueApi } from "../../workers/bot-queue";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { messageQueue } from "../../services/objects";

const external = { ...env, BOT_MODE: "external" };
const bots = new BotQueueApi(external);

async function postAsStudent(content: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const sent = unwrapOk(
    await acceptUserMessage({ env: external, sessionId, ownerId, message: { content }, now: new Date() }),
  );
  return { sessionId, ownerId, messageId: sent.message.id, sent };
}

describe("the bot queue API", () => {
  beforeAll(seedCatalog);

  it("refuses a wrong or missing token and changes nothing", async () => {
    const { messageId } = await postAsStudent("unauthorized bots stay out");
    const before = unwrapOk(await bots.pending(env.BOT_TOKEN, 1000));
    for (const token of ["", "wrong", `${env.BOT_TOKEN} `]) {
      expect(await bots.claim(token, { messageId, workerId: "intruder" })).toMatchObject({ ok: false, error: { code: "unauthorized:bot" } });
      expect(await bots.pending(token, 10)).toMatchObject({ ok: false, error: { code: "unauthorized:bot" } });
    }
    const after = unwrapOk(await bots.pending(env.BOT_TOKEN, 1000));
    expect(after.total).toBe(before.total);
  });

  it("lets an outside bot answer a student exactly once, with the rows each call cost", async () => {
    const { sessionId, ownerId, messageId, sent } = await postAsStudent("Can an outside bot answer me?");
    expect(sent.replies).toEqual([]); // no built-in answer in external mode

    const lease = unwrapOk(await bots.claim(env.BOT_TOKEN, { messageId, workerId: "reference-bot" }));
    const context = unwrapOk(await bots.conversation(env.BOT_TOKEN, { sessionId, limit: 100 }));
    expect(context.entries).toEqual([expect.objectContaining({ kind: "message", content: "Can an outside bot answer me?" })]);
    expect(context.kvStats.reads).toBeLessThanOrEqual(2);

    const done = unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId, leaseId: lease.leaseId, reply: "Yes, I can." }));
    expect(done).toMatchObject({ duplicate: false, kvStats: { writes: expect.any(Number) } });
    const again = unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId, leaseId: lease.leaseId, reply: "A second answer" }));
    expect(again.duplicate).toBe(true);

    const state = unwrapOk(await chatSession(sessionId).getState(ownerId));
    expect(state.messages.filter((m) => m.role === "assistant").map((m) => m.content)).toEqual(["Yes, I can."]);
  });

  it("answers inline with the built-in assistant: nothing passes through the queue", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const before = unwrapOk(await bots.feed(env.BOT_TOKEN, { after: 0, limit: 1000 })).lastSeq;
    const sent = unwrapOk(
      await acceptUserMessage({ env, sessionId, ownerId, message: { content: "Python on Monday at 10" }, now: new Date() }),
    );
    expect(sent.replies.length).toBeGreaterThan(0);
    const feed = unwrapOk(await bots.feed(env.BOT_TOKEN, { after: before, limit: 100 }));
    expect(feed.entries).toEqual([]);
    expect(feed.kvStats.reads).toBe(0);
  });

  it("tells the student when the assistant failed their message every time", async () => {
    const { sessionId, ownerId, messageId } = await postAsStudent("this one will time out");
    const queue = messageQueue(env);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      unwrapOk(await queue.claim({ messageId, workerId: "crashing-bot", leaseMs: 1 }));
      // The alarm re-arms until the 1 ms lease has really lapsed (workerd's clock moves with I/O), then expires it.
      for (let runs = 0; await runDurableObjectAlarm(queue); runs++) if (runs > 1_000) throw new Error("alarm keeps rescheduling");
    }
    const dead = unwrapOk(await bots.deadLetters(env.BOT_TOKEN, 100));
    expect(z.array(DeadLetter).parse(dead.deadLetters).map((letter) => letter.messageId)).toContain(messageId);
    const state = unwrapOk(await chatSession(sessionId).getState(ownerId));
    expect(state.messages.at(-1)).toMatchObject({ role: "assistant", content: UNANSWERED });
  });
});

describe("the cost of one exchange", () => {
  it("reads at most one page of a 5,000-message chat to store a message and append the answer", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const session = chatSession(sessionId);
    await runInDurableObject(session, async (instance: ChatSession) => {
      // Three seconds apart: the pace the chat's message limit allows.
      for (let i = 0; i < 5_000; i++) unwrapOk(await instance.addUserMessage(ownerId, sessionId, { id: `old-${i}`, content: `old ${i}` }, i * 3_000));
    });
    const before = await session.rowCounts();
    unwrapOk(await acceptUserMessage({ env, sessionId, ownerId, message: { content: "Python on Monday at 10" }, now: new Date() }));
    const after = await session.rowCounts();
    // One page for the returned state, plus a small constant for the inserts and updates (61 measured);
    // a second page (the old consumer re-read the whole state) would take it past 100.
    expect(after.reads - before.reads).toBeLessThanOrEqual(DEFAULT_PAGE_SIZE + 1 + 15);
  });
});

describe("the bot call limit", () => {
  const flooded = () => env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromName(`limit-${crypto.randomUUID()}`));

  it("lets a token make a burst of calls, then answers 429 with Retry-After and changes nothing", async () => {
    const queue = flooded();
    const caller = { bot: "flooding-token" };
    const sessionId = newSessionId();
    unwrapOk(await queue.enqueue({ messageId: "m-limit", sessionId, ownerId: newOwnerId(), content: "hello", createdAt: Date.now() }));
    // Spend the burst until the first refusal (a slow machine refills a few tokens, 10/s, while it runs).
    let allowed = 0;
    while ((await queue.pending(10, caller)).ok) allowed += 1;
    expect(allowed).toBeGreaterThanOrEqual(LIMITS.botCallsPerToken.capacity);

    const refused = await queue.claim({ messageId: "m-limit", workerId: "flooder" }, caller);
    expect(refused).toMatchObject({ ok: false, error: { code: "rate_limited:api", retryAfterSeconds: 1 } });
    // The refused claim took nothing: the message is still there for anyone else.
    expect(unwrapOk(await queue.pending(10))).toMatchObject({ total: 1, leased: 0 });
    // Another token, and the sidecar's own calls, have their own room.
    unwrapOk(await queue.claim({ messageId: "m-limit", workerId: "polite-bot" }, { bot: "another-token" }));
  });

  it("applies to every call the bot API makes with BOT_TOKEN", async () => {
    // Last in this file: it spends the token's burst, which refills in seconds.
    let allowed = 0;
    for (;;) {
      const answer = await bots.pending(env.BOT_TOKEN, 1);
      if (!answer.ok) {
        expect(answer.error.code).toBe("rate_limited:api");
        break;
      }
      allowed += 1;
      if (allowed > 2 * LIMITS.botCallsPerToken.capacity) throw new Error("no limit reached");
    }
    // Earlier tests in this file spent some of the burst; refill adds a few while this loop runs.
    expect(allowed).toBeGreaterThan(LIMITS.botCallsPerToken.capacity / 2);
  });
});
