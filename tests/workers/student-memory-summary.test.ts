import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { factsFromExchange } from "../../lib/memory/learn";
import { SUMMARY_EVERY_MS } from "../../lib/memory/summary";
import type { StudentMemory } from "../../workers/sidecar";
import { FakeWorkersAi } from "../fakes/workers-ai";
import { newOwnerId, newSessionId, unwrapOk } from "./helpers";
import { emptyBytes, facts, sidecar } from "./memory-helpers";
import { studentMemory } from "../../services/objects";

/**
 * The optional model-written summary (ASSISTANT_MEMORY=llm with an `AI` binding). The test
 * worker has neither, so each test hands the object's summary step a configuration holding
 * a named FAKE of Workers AI (tests/fakes/workers-ai.ts), inside the object.
 */

type MemoryStub = ReturnType<typeof studentMemory>;

const SUMMARY = "Ada studies Python with Maya Chen on Mondays at 10, online, and is retaking Calc II.";

async function remembered(ownerId: string): Promise<MemoryStub> {
  const memory = studentMemory(env, ownerId);
  const chatId = newSessionId();
  unwrapOk(await memory.learn(ownerId, factsFromExchange({ chatId, seq: 1, message: "I'm retaking Calc II. I prefer online." }), Date.now() - 60_000));
  return memory;
}

function summarize(memory: MemoryStub, config: { ASSISTANT_MEMORY?: string; AI?: FakeWorkersAi }, now = Date.now()) {
  return runInDurableObject(memory, (instance: StudentMemory) => instance.summarize(config, now));
}

const llm = (ai: FakeWorkersAi) => ({ ASSISTANT_MEMORY: "llm", AI: ai });

describe("the optional model-written summary", () => {
  it("stores a valid summary as one fact (kind summary, source model, 1 row) from the facts alone, changing no other fact", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    const before = await facts(ownerId);
    const ai = FakeWorkersAi.saying(`  ${SUMMARY}\n`);
    const rows = await memory.rowCounts();

    expect(await summarize(memory, llm(ai))).toEqual({ written: true });
    expect((await memory.rowCounts()).writes - rows.writes).toBe(1);
    expect(ai.calls).toHaveLength(1);
    // The model reads the structured facts as text, nothing else.
    expect(ai.calls[0]!.messages[1]!.content).toBe("A goal you mentioned: Calc II retake\nPreferred mode: Online");

    const after = await facts(ownerId);
    expect(after.find((fact) => fact.kind === "summary")).toMatchObject({ id: "summary", value: SUMMARY, source: { type: "model" } });
    expect(after.filter((fact) => fact.kind !== "summary")).toEqual(before);
  });

  it("ignores output that is too long, not plain text, empty, malformed or a failure: no fact, no row", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    const rows = await memory.rowCounts();
    for (const ai of [
      FakeWorkersAi.saying("Ada is a student. ".repeat(20)),
      FakeWorkersAi.saying("**Ada** studies Python; see https://example.com"),
      FakeWorkersAi.saying("   "),
      new FakeWorkersAi({ unexpected: true }),
      new FakeWorkersAi(new Error("model overloaded")),
    ]) {
      expect(await summarize(memory, llm(ai))).toEqual({ written: false });
      expect(ai.calls).toHaveLength(1);
    }
    expect((await facts(ownerId)).some((fact) => fact.kind === "summary")).toBe(false);
    expect((await memory.rowCounts()).writes).toBe(rows.writes);
  });

  it("makes no model call without ASSISTANT_MEMORY=llm, without an AI binding, or on the test worker's own alarm", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    const ai = FakeWorkersAi.saying(SUMMARY);
    expect(await summarize(memory, { ASSISTANT_MEMORY: "deterministic", AI: ai })).toEqual({ written: false });
    expect(await summarize(memory, { AI: ai })).toEqual({ written: false });
    expect(await summarize(memory, { ASSISTANT_MEMORY: "llm" })).toEqual({ written: false });
    expect(ai.calls).toHaveLength(0);
    // The object's alarm uses its own env (wrangler.toml: ASSISTANT_MEMORY = "deterministic", no AI).
    expect(await runDurableObjectAlarm(memory)).toBe(true);
    expect((await facts(ownerId)).some((fact) => fact.kind === "summary")).toBe(false);
  });

  it("rewrites it at most once per 6 hours, and only after a fact changed", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    const ai = FakeWorkersAi.saying(SUMMARY);
    const now = Date.now();
    expect(await summarize(memory, llm(ai), now)).toEqual({ written: true });
    // Nothing new: not due, however late.
    expect(await summarize(memory, llm(ai), now + 2 * SUMMARY_EVERY_MS)).toEqual({ written: false });
    unwrapOk(await memory.learn(ownerId, factsFromExchange({ chatId: newSessionId(), seq: 2, message: "no mornings" }), now + 1));
    expect(await summarize(memory, llm(ai), now + 60 * 60_000)).toEqual({ written: false });
    expect(ai.calls).toHaveLength(1);
    ai.say(`${SUMMARY} No mornings.`);
    expect(await summarize(memory, llm(ai), now + SUMMARY_EVERY_MS)).toEqual({ written: true });
    expect(ai.calls).toHaveLength(2);
    expect((await facts(ownerId)).find((fact) => fact.kind === "summary")).toMatchObject({ value: `${SUMMARY} No mornings.`, learnedAt: now + SUMMARY_EVERY_MS });
    // The same words again are stored with their time too, so the next call waits another 6 hours.
    unwrapOk(await memory.learn(ownerId, factsFromExchange({ chatId: newSessionId(), seq: 3, message: "I prefer evenings" }), now + SUMMARY_EVERY_MS + 1));
    expect(await summarize(memory, llm(ai), now + 2 * SUMMARY_EVERY_MS)).toEqual({ written: true });
    expect((await facts(ownerId)).find((fact) => fact.kind === "summary")?.learnedAt).toBe(now + 2 * SUMMARY_EVERY_MS);
    expect(await summarize(memory, llm(ai), now + 2 * SUMMARY_EVERY_MS + 60_000)).toEqual({ written: false });
    expect(ai.calls).toHaveLength(3);
  });

  it("is listed on the memory page with its source and deleted like any fact; a learning call cannot write one", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    await summarize(memory, llm(FakeWorkersAi.saying(SUMMARY)));
    // The memory page lists it with its source (in words there: "written by an AI model on …").
    const listed = unwrapOk(await sidecar.memoryFacts(ownerId)).facts;
    expect(listed.find((fact) => fact.id === "summary")).toMatchObject({ kind: "summary", value: SUMMARY, source: { type: "model" } });
    const { facts: left } = unwrapOk(await sidecar.memoryForget(ownerId, "summary"));
    expect(left.some((fact) => fact.kind === "summary")).toBe(false);
    expect(await sidecar.memoryForget(ownerId, "summary")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });

    const forged = [{ kind: "summary", value: SUMMARY, source: { type: "model" }, confidence: 1 }];
    expect(await memory.learn(ownerId, forged, Date.now())).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.memoryCorrect(ownerId, "preferred_mode", "in person")).toMatchObject({ ok: true });
    expect((await facts(ownerId)).some((fact) => fact.kind === "summary")).toBe(false);
  });

  it("drops an answer that arrives after Forget me: the storage of a never-used object", async () => {
    const ownerId = newOwnerId();
    const memory = await remembered(ownerId);
    const ai = FakeWorkersAi.saying(SUMMARY);
    const release = ai.hold();
    const pending = summarize(memory, llm(ai));
    // The held model call has started (polled, never slept on); then the student is forgotten.
    await vi.waitFor(() => expect(ai.calls).toHaveLength(1), { timeout: 5_000, interval: 5 });
    unwrapOk(await memory.forgetAll(ownerId));
    release();
    expect(await pending).toEqual({ written: false });
    expect(await facts(ownerId)).toEqual([]);
    expect(await memory.storageBytes()).toBe(await emptyBytes());
  });
});

