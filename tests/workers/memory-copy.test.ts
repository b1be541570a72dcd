import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { StudentFact } from "../../lib/memory/schemas";
import { z } from "../../lib/zod";
import { memoryVersion } from "../../services/db/memory-version";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { bookPython, facts, lastReplies, learned, say, sidecar } from "./memory-helpers";

/**
 * A chat keeps a copy of its owner's memory in its own session row, labelled with the owner's
 * `profiles.memory_version`: a woken chat answers from the copy while D1's version matches it,
 * and asks the memory object again as soon as the memory changed anywhere.
 */

interface StoredCopy {
  memory_facts: string | null;
  memory_version: number | null;
}

function storedCopy(sessionId: string): Promise<StoredCopy> {
  return runInDurableObject(chatSession(sessionId), (_, state) =>
    state.storage.sql.exec<StoredCopy & Record<string, SqlStorageValue>>("SELECT memory_facts, memory_version FROM session").one(),
  );
}

/** A returning student with a booking (learned, and D1 told) and an open second chat that greeted them. */
async function returningStudent() {
  const ownerId = newOwnerId();
  const { booking } = await bookPython(ownerId, "Ada Lovelace", "ada@example.edu");
  // The memory object answers nothing while D1 is being told of a change: once the fact is seen, so is its version.
  await learned(ownerId, `tutor:${booking.tutorId}`);
  const sessionId = newSessionId();
  expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain("Welcome back, Ada!");
  return { ownerId, sessionId };
}

describe("a chat's copy of its owner's memory", () => {
  beforeAll(seedCatalog);

  it("is stored with the chat's first turn, in the session row that turn creates, at the owner's memory version", async () => {
    const { ownerId, sessionId } = await returningStudent();
    const version = await memoryVersion(env.DB, { ownerId });
    expect(version).toBeGreaterThan(0);
    const copy = await storedCopy(sessionId);
    expect(copy.memory_version).toBe(version);
    expect(JSON.parse(copy.memory_facts ?? "[]")).toEqual(await facts(ownerId));
  });

  it("answers a woken chat from its own storage while the version matches (the copy, not the memory object, decides)", async () => {
    const { ownerId, sessionId } = await returningStudent();
    // Rewrite the stored copy's email only: a chat that asked the memory object would say ada@example.edu.
    const copy = await storedCopy(sessionId);
    const altered = z.array(StudentFact).parse(JSON.parse(copy.memory_facts!)).map((fact) =>
      fact.id === "email" ? { ...fact, value: "copy@example.edu" } : fact,
    );
    await runInDurableObject(chatSession(sessionId), (_, state) => {
      state.storage.sql.exec("UPDATE session SET memory_facts = ?", JSON.stringify(altered));
    });
    await evictDurableObject(chatSession(sessionId));

    const review = await say(sessionId, ownerId, "yes");
    expect(review.bookingInfo).toMatchObject({ step: "review", studentEmail: "copy@example.edu" });
  });

  it("is asked again on the next turn after the memory changed elsewhere, even in a chat that stayed awake", async () => {
    const { ownerId, sessionId } = await returningStudent();
    const before = await memoryVersion(env.DB, { ownerId });
    unwrapOk(await sidecar.memoryForget(ownerId, "email"));
    expect(await memoryVersion(env.DB, { ownerId })).toBe(before + 1);

    // The welcome-back offer was made with the email known; accepting it now must ask for it.
    const state = await say(sessionId, ownerId, "yes");
    expect(state.bookingInfo?.step).toBe("contact");
    expect(state.bookingInfo?.studentEmail).toBeUndefined();
    expect((await storedCopy(sessionId)).memory_version).toBe(before + 1);
  });

  it("moves the version once per change and not at all for a learn that changes nothing", async () => {
    const ownerId = newOwnerId();
    expect(await memoryVersion(env.DB, { ownerId })).toBe(0);
    const fact = { kind: "name", value: "Ada Lovelace", source: { type: "student_edit" }, confidence: 1 };
    const memory = env.STUDENT_MEMORY.get(env.STUDENT_MEMORY.idFromName(ownerId));
    expect(unwrapOk(await memory.learn(ownerId, [fact], 1_000))).toMatchObject({ changed: 1, version: 1 });
    expect(unwrapOk(await memory.learn(ownerId, [fact], 2_000))).toMatchObject({ changed: 0, version: null });
    expect(await memoryVersion(env.DB, { ownerId })).toBe(1);
    expect(unwrapOk(await memory.forgetAll(ownerId))).toMatchObject({ forgotten: true });
    expect(await memoryVersion(env.DB, { ownerId })).toBe(2);
  });
});
