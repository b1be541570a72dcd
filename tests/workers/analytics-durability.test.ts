import { FIRST_CENTER } from "../../lib/center/ids";
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Analytics } from "../../durable-objects/analytics";
import { COUNTERS, emptyCounts, type AnalyticsEvent, type Counter, type Counts } from "../../lib/analytics/events";
import { addDays, localNow } from "../../lib/calendar";
import { RECORD_ATTEMPTS, recordAnalytics } from "../../services/analytics";
import { loseAnswers } from "../fakes/lost-answer-namespace";
import { flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, TEST_NOW, unwrapOk } from "./helpers";
import { sidecar } from "./staff-helpers";
import { analyticsObject } from "../../services/objects";

const ZONE = "America/Los_Angeles";
const DAY_QUERY = { from: "2026-11-20", to: "2026-11-22", granularity: "day" } as const;
const CHAT: AnalyticsEvent[] = [{ type: "chat_started" }, { type: "message" }];

/** Each test's own Analytics object, so no other test's events land in it. */
function ownAnalytics() {
  return env.ANALYTICS.get(env.ANALYTICS.idFromName(`test-${crypto.randomUUID()}`)) as DurableObjectStub<Analytics>;
}

/**
 * A crash: the instance is dropped at once, nothing graceful runs (the call that asks fails with it).
 * A stub that saw its object fail stays broken, so the caller gets a fresh one for the same object.
 */
async function crash(stub: DurableObjectStub<Analytics>): Promise<DurableObjectStub<Analytics>> {
  await runInDurableObject(stub, (_instance: Analytics, state) => state.abort("crash")).catch(() => undefined);
  return env.ANALYTICS.get(stub.id) as DurableObjectStub<Analytics>;
}

const totals = async (stub: DurableObjectStub<Analytics>) => unwrapOk(await stub.series(DAY_QUERY, ZONE)).totals;
const rowsWritten = async (stub: DurableObjectStub<Analytics>) => (await stub.rowCounts()).writes;

describe("the analytics aggregator loses nothing and counts nothing twice", () => {
  it("keeps every count through a crash and an eviction right after the calls answered, with no alarm set", async () => {
    let stub = ownAnalytics();
    for (let chat = 0; chat < 5; chat++) unwrapOk(await stub.record(CHAT, TEST_NOW + chat * 60_000));
    stub = await crash(stub);
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 5, message: 5 });

    unwrapOk(await stub.record([{ type: "message" }, { type: "booking_made" }], TEST_NOW + 10 * 60_000));
    await evictDurableObject(stub);
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 5, message: 6, booking_made: 1 });
    // Nothing waits in memory for a later write, so nothing needs waking up.
    expect(await runInDurableObject(stub, (_instance: Analytics, state) => state.storage.getAlarm())).toBeNull();
  });

  it("writes one row per record call, however many events and counters it carries", async () => {
    const stub = ownAnalytics();
    await totals(stub); // wakes the object: its schema's rows are not the events'
    const before = await rowsWritten(stub);
    unwrapOk(await stub.record([{ type: "message" }], TEST_NOW));
    expect((await rowsWritten(stub)) - before).toBe(1);
    const many: AnalyticsEvent[] = [{ type: "chat_started" }, { type: "message" }, { type: "booking_made" }, { type: "handoff" }, { type: "staff_first_reply", durationMs: 5_000 }];
    unwrapOk(await stub.record(many, TEST_NOW + 1));
    expect((await rowsWritten(stub)) - before).toBe(2);
    // A new hour is a new row, still one per call.
    unwrapOk(await stub.record([{ type: "message" }], TEST_NOW + 60 * 60_000));
    expect((await rowsWritten(stub)) - before).toBe(3);
    expect(await totals(stub)).toMatchObject({ chat_started: 1, message: 3, booking_made: 1, handoff: 1, staff_first_reply: 1, staff_first_reply_ms: 5_000 });
  });

  it("counts a retried call (same key) once, even when the object crashed between the two", async () => {
    let stub = ownAnalytics();
    const key = "retry-key-0001";
    expect(unwrapOk(await stub.record(CHAT, TEST_NOW, key))).toEqual({ recorded: 2, repeated: false });
    const before = await rowsWritten(stub);
    expect(unwrapOk(await stub.record(CHAT, TEST_NOW, key))).toEqual({ recorded: 0, repeated: true });
    expect(await rowsWritten(stub)).toBe(before); // a repeat writes nothing
    stub = await crash(stub);
    expect(unwrapOk(await stub.record(CHAT, TEST_NOW, key))).toEqual({ recorded: 0, repeated: true });
    // Another key (another call) with the same events counts.
    unwrapOk(await stub.record(CHAT, TEST_NOW, "retry-key-0002"));
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 2, message: 2 });
  });

  it("sends a call whose answer was lost again with the same key, and counts it once", async () => {
    const prefix = `test-${crypto.randomUUID()}:`;
    const flaky = loseAnswers(env.ANALYTICS, { method: "record", lose: 2, prefix });
    const sent: Promise<unknown>[] = [];
    recordAnalytics({ ANALYTICS: flaky.namespace }, FIRST_CENTER, CHAT, (promise) => sent.push(promise), TEST_NOW);
    await Promise.all(sent);
    expect(flaky.calls).toBe(3); // stored by the first, answered to the third
    const stub = env.ANALYTICS.get(env.ANALYTICS.idFromName(`${prefix}global`)) as DurableObjectStub<Analytics>;
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 1, message: 1 });
  });

  it("gives up after its last attempt without throwing into the caller, and the stored count stands once", async () => {
    const prefix = `test-${crypto.randomUUID()}:`;
    const flaky = loseAnswers(env.ANALYTICS, { method: "record", lose: 10, prefix });
    const sent: Promise<unknown>[] = [];
    expect(() => recordAnalytics({ ANALYTICS: flaky.namespace }, FIRST_CENTER, CHAT, (promise) => sent.push(promise), TEST_NOW)).not.toThrow();
    await Promise.all(sent);
    expect(flaky.calls).toBe(RECORD_ATTEMPTS);
    const stub = env.ANALYTICS.get(env.ANALYTICS.idFromName(`${prefix}global`)) as DurableObjectStub<Analytics>;
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 1, message: 1 });
  });

  it("carries the counts a previous version flushed into its hour rows when it wakes after the deploy", async () => {
    let stub = ownAnalytics();
    // The storage as the previous version left it: schema version 1, one row per (hour, counter).
    await runInDurableObject(stub, (_instance: Analytics, state) => {
      state.storage.sql.exec("DROP TABLE hours");
      state.storage.sql.exec("CREATE TABLE counts (bucket INTEGER NOT NULL, counter TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (bucket, counter)) WITHOUT ROWID");
      for (const [bucket, counter, n] of [[TEST_NOW, "message", 4], [TEST_NOW, "chat_started", 2], [TEST_NOW + 3_600_000, "message", 1]] as const) {
        state.storage.sql.exec("INSERT INTO counts (bucket, counter, n) VALUES (?, ?, ?)", bucket, counter, n);
      }
      state.storage.sql.exec("UPDATE _schema SET version = 1");
    });
    stub = await crash(stub);
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 2, message: 5 });
    unwrapOk(await stub.record([{ type: "message" }], TEST_NOW));
    expect(await totals(stub)).toEqual({ ...emptyCounts(), chat_started: 2, message: 6 });
  });

  it("refuses a malformed key and counts nothing from that call", async () => {
    const stub = ownAnalytics();
    for (const key of ["", "x".repeat(65), "has space", 42, { key: "k" }]) {
      expect(await stub.record(CHAT, TEST_NOW, key), JSON.stringify(key)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await totals(stub)).toEqual(emptyCounts());
  });
});

/** The center's last two local days, by day: what the global object counted for real traffic. */
async function globalTotals(): Promise<Counts> {
  const today = localNow(new Date(), ZONE).date;
  return unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, ZONE)).totals;
}

function delta(before: Counts, after: Counts): Partial<Record<Counter, number>> {
  return Object.fromEntries(COUNTERS.map((counter) => [counter, after[counter] - before[counter]]).filter(([, n]) => n !== 0));
}

describe("the real paths' counts outlive the Analytics object", () => {
  beforeAll(seedCatalog);

  it("counts 5 chats started as 5 when the object crashes right after they were counted", async () => {
    const before = await globalTotals();
    const chats = Array.from({ length: 5 }, () => newSessionId());
    for (const chat of chats) unwrapOk(await sidecar.sendMessage(chat, newOwnerId(), { content: "Python on Monday at 10" }));
    // Each chat reports from its alarm; the report is stored before it is acknowledged.
    expect(await flushChatAnalytics(...chats)).toBe(5);
    expect(delta(before, await globalTotals())).toEqual({ chat_started: 5, message: 5 });
    await crash(analyticsObject(env) as DurableObjectStub<Analytics>);
    expect(delta(before, await globalTotals())).toEqual({ chat_started: 5, message: 5 });
  });
});
