import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Analytics } from "../../durable-objects/analytics";
import type { ChatSession } from "../../durable-objects/chat-session";
import { z } from "../../lib/zod";
import { analyticsObject } from "../../services/objects";
import { chatSession, flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, TEST_NOW, unwrapOk } from "./helpers";

const ZONE = "America/Los_Angeles";
const DAY_QUERY = { from: "2026-11-20", to: "2026-11-22", granularity: "day" } as const;

const global = () => analyticsObject(env) as unknown as DurableObjectStub<Analytics>;
const totals = async () => unwrapOk(await global().series(DAY_QUERY, ZONE)).totals;

/** Keys of chat batches the Analytics hours hold for `chatId` (one per batch applied). */
async function batchesOf(chatId: string): Promise<string[]> {
  return runInDurableObject(global(), (_instance: Analytics, state) =>
    state.storage.sql
      .exec<{ recent: string }>("SELECT recent FROM hours")
      .toArray()
      .flatMap((row) => z.array(z.string()).parse(JSON.parse(row.recent)).filter((key) => key.startsWith(`b:${chatId}:`))),
  );
}

async function exchanges(chatId: string, ownerId: string, count: number, at = TEST_NOW): Promise<void> {
  const stub = chatSession(chatId) as unknown as DurableObjectStub<ChatSession>;
  for (let index = 0; index < count; index++) {
    unwrapOk(await stub.exchange(ownerId, chatId, { id: crypto.randomUUID(), content: `hello ${index}` }, at + index * 1_000));
  }
}

const delta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([counter, n]) => [counter, n - (before[counter] ?? 0)]).filter(([, n]) => n !== 0));

beforeAll(seedCatalog);

describe("a chat reports its analytics in batches from its alarm", () => {
  it("counts a chat's exchanges only once its alarm has run, all of a burst in one Analytics call", async () => {
    const chatId = newSessionId();
    const before = await totals();
    await exchanges(chatId, newOwnerId(), 5);
    expect(delta(await totals(), before)).toEqual({});
    expect(await batchesOf(chatId)).toEqual([]);

    const writesBefore = (await global().rowCounts()).writes;
    expect(await runDurableObjectAlarm(chatSession(chatId))).toBe(true);
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 5 });
    // One call, one hour's row written, one batch key.
    expect(await batchesOf(chatId)).toHaveLength(1);
    expect((await global().rowCounts()).writes - writesBefore).toBe(1);
    // Nothing left to report: no alarm stays set, and running it again counts nothing.
    expect(await runDurableObjectAlarm(chatSession(chatId))).toBe(false);
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 5 });
  });

  it("counts a batch sent again (its answer lost, rebuilt with later messages) once, and the later ones in the next batch", async () => {
    const chatId = newSessionId();
    const ownerId = newOwnerId();
    const before = await totals();
    await exchanges(chatId, ownerId, 2);
    // The first attempt reached Analytics, but the chat never heard back: its cursor did not move.
    const first = await runInDurableObject(chatSession(chatId) as unknown as DurableObjectStub<ChatSession>, (_chat: ChatSession, state) =>
      state.storage.sql.exec<{ seq: number }>("SELECT seq FROM messages WHERE counts IS NOT NULL ORDER BY seq").toArray(),
    );
    const through = first.at(-1)!.seq;
    const bucket = Math.floor(TEST_NOW / 3_600_000) * 3_600_000;
    unwrapOk(await global().recordBatch({ chatId, seq: 1, through, hours: [{ bucket, counts: { chat_started: 1, message: 2 } }] }));
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 2 });

    // One more message arrives before the retry; the retry carries all three under batch number 1.
    await exchanges(chatId, ownerId, 1, TEST_NOW + 10_000);
    await flushChatAnalytics(chatId);
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 2 });
    // The chat learned what batch 1 covered: the third message is reported by the next alarm, once.
    await flushChatAnalytics(chatId);
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 3 });
    expect(await flushChatAnalytics(chatId)).toBe(0);
  });

  it("reports a chat's unreported counts before a hard delete drops them", async () => {
    const chatId = newSessionId();
    const before = await totals();
    await exchanges(chatId, newOwnerId(), 3);
    const chat = chatSession(chatId) as unknown as DurableObjectStub<ChatSession>;
    expect(await chat.destroy()).toEqual({ destroyed: true });
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 3 });
    expect(await runDurableObjectAlarm(chat)).toBe(false);
  });

  it("keeps the counts of messages a clear() removed before they were reported", async () => {
    const chatId = newSessionId();
    const ownerId = newOwnerId();
    const before = await totals();
    await exchanges(chatId, ownerId, 2);
    const chat = chatSession(chatId) as unknown as DurableObjectStub<ChatSession>;
    unwrapOk(await chat.clear(ownerId, TEST_NOW + 5_000));
    await flushChatAnalytics(chatId);
    expect(delta(await totals(), before)).toEqual({ chat_started: 1, message: 2 });
  });
});

describe("when a chat reports", () => {
  it("reports just after the hour of its first unreported message, spread over ten minutes", async () => {
    const { reportAt, REPORT_SPREAD_MS } = await import("../../durable-objects/chat/analytics-report");
    const at = Date.UTC(2026, 10, 22, 14, 37, 12);
    expect(reportAt(at, 0)).toBe(Date.UTC(2026, 10, 22, 15, 0, 0));
    expect(reportAt(at, 0.999)).toBeLessThan(Date.UTC(2026, 10, 22, 15, 0, 0) + REPORT_SPREAD_MS);
  });
});
