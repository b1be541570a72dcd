import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { factsFromExchange } from "../../lib/memory/learn";
import { DAY_MS } from "../../lib/schemas";
import type { StudentMemory } from "../../workers/sidecar";
import { newOwnerId, newSessionId, setTier, unwrapOk } from "./helpers";
import { emptyBytes, facts, sidecar } from "./memory-helpers";
import { studentMemory } from "../../services/objects";

/** The student memory's lifecycle: "Forget me" against a turn still in flight, and retention by tier. */

type MemoryStub = ReturnType<typeof studentMemory>;

function said(message: string, seq = 1) {
  return factsFromExchange({ chatId: newSessionId(), seq, message });
}

function alarmOf(stub: MemoryStub): Promise<number | null> {
  return runInDurableObject(stub, (_: StudentMemory, state) => state.storage.getAlarm());
}

const midnight = (time: number) => Math.floor(time / DAY_MS) * DAY_MS;

/** The fact ids in storage, read straight from SQLite: a recall would itself count as a use. */
function storedIds(stub: MemoryStub): Promise<string[]> {
  return runInDurableObject(stub, (_: StudentMemory, state) => {
    const sql = state.storage.sql;
    if (sql.exec("SELECT name FROM sqlite_master WHERE name = 'facts'").toArray().length === 0) return [];
    return sql.exec<{ id: string }>("SELECT id FROM facts ORDER BY id").toArray().map((row) => row.id);
  });
}

describe("Forget me against a chat turn already in flight", () => {
  it("refuses a learn from an exchange that began before forgetAll: no facts, the storage of a never-used object", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.learn(ownerId, said("I'm retaking Calc II"), Date.now() - 60_000));

    // A turn begins (it has read the memory and is answering), then the student presses Forget me.
    const begun = Date.now() - 1_000;
    const inFlight = said("I prefer online. Actually my email is ada@example.edu", 3);
    unwrapOk(await memory.forgetAll(ownerId, Date.now()));

    // The turn's after-reply learn call arrives now.
    expect(await memory.learn(ownerId, inFlight, begun)).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(await facts(ownerId)).toEqual([]);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
    expect(await alarmOf(memory)).toBeNull();
  });

  it("refuses it even after the memory object restarted in between: Forget me's moment is read from D1", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.learn(ownerId, said("no mornings"), Date.now() - 60_000));
    const begun = Date.now() - 1_000;

    unwrapOk(await sidecar.forgetMe(ownerId));
    // The object forgets what it held in memory (a deploy, an eviction) before the late call lands.
    await evictDurableObject(memory);
    expect(await memory.learn(ownerId, said("I prefer in person", 5), begun)).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(await facts(ownerId)).toEqual([]);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
  });

  it("learns again from an exchange that began after Forget me", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.learn(ownerId, said("no mornings"), Date.now() - 60_000));
    const forgottenAt = Date.now();
    unwrapOk(await memory.forgetAll(ownerId, forgottenAt));
    await evictDurableObject(memory);
    await env.DB.prepare("INSERT INTO profiles (owner_id, memory_forgotten_at) VALUES (?1, ?2) ON CONFLICT (owner_id) DO UPDATE SET memory_forgotten_at = excluded.memory_forgotten_at").bind(ownerId, forgottenAt).run();

    const learned = unwrapOk(await memory.learn(ownerId, said("I prefer online", 2), forgottenAt + 1));
    expect(learned.facts.map((fact) => [fact.id, fact.value])).toEqual([["preferred_mode", "online"]]);
  });
});

describe("retention by tier: an unused memory erases itself on its own alarm", () => {
  it("erases a free student's memory unused for 30 days: no facts, no alarm, the storage of a never-used object", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.learn(ownerId, said("I'm retaking Calc II"), Date.now() - 31 * DAY_MS));
    // The first check is set when the memory is made, a free period ahead on the real clock.
    expect(await alarmOf(memory)).toBeGreaterThan(Date.now() + 29 * DAY_MS);

    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect(await storedIds(memory)).toEqual([]);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
    expect(await alarmOf(memory)).toBeNull();
  });

  it("keeps a memory used within the period; a use writes its day once (1 row), the next the same day none", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.learn(ownerId, said("I'm retaking Calc II"), Date.now() - 29 * DAY_MS));
    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect(await storedIds(memory)).toEqual(["goal:calc-ii-retake"]);

    // Another 29 days on (the learn carries its exchange's time): a recall today is a use.
    const before = await memory.rowCounts();
    unwrapOk(await memory.recall(ownerId));
    const afterFirst = await memory.rowCounts();
    expect(afterFirst.writes - before.writes).toBe(1);
    unwrapOk(await memory.recall(ownerId));
    expect((await memory.rowCounts()).writes).toBe(afterFirst.writes);
    // A learning exchange the same day writes its changed facts only.
    expect(unwrapOk(await memory.learn(ownerId, said("no mornings", 2), Date.now())).rows.writes).toBe(1);

    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect(await storedIds(memory)).toEqual(["avoid_time:mornings", "goal:calc-ii-retake"]);
    // Next check: 30 days after today's use.
    expect(await alarmOf(memory)).toBe(midnight(Date.now()) + 30 * DAY_MS);
  });

  it("a tier upgrade extends it (pro: 90 days), and a downgrade takes effect at the next check", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    const used = Date.now() - 31 * DAY_MS;
    unwrapOk(await memory.learn(ownerId, said("I'm retaking Calc II"), used));
    await setTier(ownerId, "pro");

    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect(await storedIds(memory)).toEqual(["goal:calc-ii-retake"]);
    // Checked again at the pro expiry or within a free period, whichever is sooner.
    const next = await alarmOf(memory);
    expect(next).toBeGreaterThan(Date.now() + 29 * DAY_MS);
    expect(next).toBeLessThanOrEqual(midnight(used) + 90 * DAY_MS);

    await setTier(ownerId, "free");
    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect(await storedIds(memory)).toEqual([]);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
  });

  it("keeps a premium student's memory for 365 days unused, not a day more", async () => {
    const kept = newOwnerId();
    const gone = newOwnerId();
    for (const [ownerId, daysAgo] of [[kept, 364], [gone, 366]] as const) {
      await setTier(ownerId, "premium");
      unwrapOk(await studentMemory(env, ownerId).learn(ownerId, said("no mornings"), Date.now() - daysAgo * DAY_MS));
      expect(await runDurableObjectAlarm(studentMemory(env, ownerId))).toBe(true);
    }
    expect(await storedIds(studentMemory(env, kept))).toEqual(["avoid_time:mornings"]);
    expect(await storedIds(studentMemory(env, gone))).toEqual([]);
  });

  it("sets no alarm and stores nothing for a student it never learned about", async () => {
    const ownerId = newOwnerId();
    const memory = studentMemory(env, ownerId);
    unwrapOk(await memory.recall(ownerId));
    expect(await alarmOf(memory)).toBeNull();
    expect(await runDurableObjectAlarm(memory)).toBe(false);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
  });
});
