import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { ChatSession } from "../../durable-objects/chat-session";
import { DEFAULT_PAGE_SIZE, type ChatMessage } from "../../lib/schemas";
import type { TutorMatch } from "../../lib/tutoring/schemas";
import { STRANGER, chatSession, newOwnerId, newSessionId, unwrapOk } from "./helpers";

// A new owner per test: an owner may start only so many chats an hour (lib/rate-limits.ts).
let OWNER = newOwnerId();
beforeEach(() => {
  OWNER = newOwnerId();
});

const match: TutorMatch = {
  tutor: {
    id: "t-001",
    name: "Maya Chen",
    subjects: ["Python"],
    bio: "CS senior.",
    mode: "online",
    availability: [{ day: "monday", start: "09:00", end: "12:00" }],
  },
  slot: { day: "monday", date: "2026-11-23", start: "10:00", end: "11:00" },
  score: 10,
  reason: "teaches Python, free Monday 10:00",
};

async function seedMessages(sessionId: string, count: number) {
  const stub = chatSession(sessionId);
  await runInDurableObject(stub, async (instance: ChatSession) => {
    // Three seconds apart: the pace the chat's message limit allows.
    for (let i = 0; i < count; i++) {
      unwrapOk(await instance.addUserMessage(OWNER, sessionId, { id: `m-${i}`, content: `message ${i}` }, 1_000 + i * 3_000));
    }
  });
  return stub;
}

describe("ChatSession", () => {
  it("round-trips every session field, also in a new instance over the same storage", async () => {
    const sessionId = newSessionId();
    const stub = chatSession(sessionId);
    unwrapOk(await stub.addUserMessage(OWNER, sessionId, { id: "m-1", content: "hi" }, 1));
    const patch = {
      pendingMatch: match,
      bookingInfo: { step: "contact" as const, tutorId: "t-001", tutorName: "Maya Chen", slot: match.slot, studentName: "Ada" },
      searchCriteria: { skill: "Python", day: "monday" as const, timeFrom: "10:00", timeTo: "10:00", excludeTutorIds: [] },
      availableTutors: [match],
    };
    // The assistant's path may set any field; PATCH is limited by patch-rules (tested elsewhere).
    unwrapOk(await stub.appendAssistantTurn(OWNER, [], patch, 2));

    // A fresh instance must rebuild everything from SQLite.
    await evictDurableObject(stub);
    const restored = unwrapOk(await chatSession(sessionId).getState(OWNER));
    expect(restored).toMatchObject({ sessionId, ...patch, lastSeq: 1 });
    expect(restored.messages.map((m) => m.content)).toEqual(["hi"]);
  });

  it("keeps messages in order under 50 concurrent adds", async () => {
    const sessionId = newSessionId();
    const stub = chatSession(sessionId);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => stub.addUserMessage(OWNER, sessionId, { id: `c-${i}`, content: `n${i}` }, i * 30_000)),
    );
    const page = unwrapOk(await stub.listMessages(OWNER, { after: 0, limit: 200 }));
    expect(page.messages).toHaveLength(50);
    const seqs = page.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(50);
    expect(new Set(page.messages.map((m) => m.id)).size).toBe(50);
  });

  it("pages with the after cursor without skipping or repeating, while messages keep arriving", async () => {
    const sessionId = newSessionId();
    const stub = await seedMessages(sessionId, 30);
    const seen: ChatMessage[] = [];
    let after = 0;
    for (let round = 0; round < 40; round++) {
      // A writer races the reader on every round.
      const [page] = await Promise.all([
        stub.listMessages(OWNER, { after, limit: 7 }),
        round < 20 ? stub.addUserMessage(OWNER, sessionId, { id: `late-${round}`, content: `late ${round}` }, 10_000_000 + round * 30_000) : null,
      ]);
      const value = unwrapOk(page);
      seen.push(...value.messages);
      after = value.lastSeq;
      if (!value.hasMore && round >= 20) break;
    }
    const final = unwrapOk(await stub.listMessages(OWNER, { after, limit: 200 }));
    seen.push(...final.messages);
    expect(seen).toHaveLength(50);
    expect(new Set(seen.map((m) => m.id)).size).toBe(50);
    expect(seen.map((m) => m.seq)).toEqual([...seen.map((m) => m.seq)].sort((a, b) => a - b));
  });

  it("reads at most one page of message rows to load a session with 5,000 messages, then none", async () => {
    const sessionId = newSessionId();
    const stub = await seedMessages(sessionId, 5_000);
    await evictDurableObject(stub);
    const { reads, again, state } = await runInDurableObject(stub, (instance: ChatSession) => {
      const measure = () => {
        const before = instance.rowCounts().reads;
        const state = unwrapOk(instance.getState(OWNER));
        return { reads: instance.rowCounts().reads - before, state };
      };
      const first = measure();
      return { reads: first.reads, state: first.state, again: measure().reads };
    });
    expect(state.messages).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(state.messages.at(-1)?.content).toBe("message 4999");
    expect(state.hasOlder).toBe(true);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(DEFAULT_PAGE_SIZE + 1);
    // The newest page stays in memory: every later page load and POST answer reads nothing.
    expect(again).toBe(0);

    const older = unwrapOk(await stub.listMessages(OWNER, { before: state.messages[0]!.seq, limit: DEFAULT_PAGE_SIZE }));
    expect(older.messages.at(-1)?.seq).toBe(state.messages[0]!.seq - 1);
  });

  it("stores a retried message once", async () => {
    const sessionId = newSessionId();
    const stub = chatSession(sessionId);
    const first = unwrapOk(await stub.addUserMessage(OWNER, sessionId, { id: "same", content: "hello" }, 1));
    const retry = unwrapOk(await stub.addUserMessage(OWNER, sessionId, { id: "same", content: "hello" }, 2));
    expect(first.sessionCreated).toBe(true);
    expect(retry).toMatchObject({ sent: { message: first.sent.message }, sessionCreated: false, rows: { writes: 0 } });
    expect(unwrapOk(await stub.getState(OWNER)).messages).toHaveLength(1);
  });

  it("answers not found to another owner and changes nothing for them", async () => {
    const sessionId = newSessionId();
    const stub = chatSession(sessionId);
    unwrapOk(await stub.addUserMessage(OWNER, sessionId, { id: "mine", content: "private" }, 1));

    for (const result of [
      await stub.getState(STRANGER),
      await stub.listMessages(STRANGER, { after: 0, limit: 10 }),
      await stub.addUserMessage(STRANGER, sessionId, { id: "theirs", content: "intrusion" }, 2),
      await stub.patch(STRANGER, { searchCriteria: null }, 2),
      await stub.clear(STRANGER, 2),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: "not_found:session" } });
    }
    const state = unwrapOk(await stub.getState(OWNER));
    expect(state.messages.map((m) => m.id)).toEqual(["mine"]);
    expect(state.pendingMatch).toBeNull();
  });

  it("answers not found for a session nobody created", async () => {
    const result = await chatSession(newSessionId()).getState(OWNER);
    expect(result).toMatchObject({ ok: false, error: { code: "not_found:session" } });
  });

  it("never reuses a sequence number after clear", async () => {
    const sessionId = newSessionId();
    const stub = await seedMessages(sessionId, 3);
    unwrapOk(await stub.clear(OWNER, 10));
    const added = unwrapOk(await stub.addUserMessage(OWNER, sessionId, { id: "after-clear", content: "again" }, 11));
    expect(added.sent.message.seq).toBe(4);
  });
});

describe("ChatSession polling", () => {
  it("reads no rows when a poll finds nothing new, and only the new rows otherwise", async () => {
    const sessionId = newSessionId();
    const stub = await seedMessages(sessionId, 500);
    const { empty, fresh } = await runInDurableObject(stub, async (instance: ChatSession) => {
      const measure = (after: number) => {
        const before = instance.rowCounts().reads;
        const page = unwrapOk(instance.listMessages(OWNER, { after, limit: 50 }));
        return { reads: instance.rowCounts().reads - before, count: page.messages.length };
      };
      const empty = measure(500);
      unwrapOk(await instance.addUserMessage(OWNER, sessionId, { id: "new", content: "new" }, 99_999_999));
      return { empty, fresh: measure(500) };
    });
    expect(empty).toEqual({ reads: 0, count: 0 });
    expect(fresh.count).toBe(1);
    expect(fresh.reads).toBeLessThanOrEqual(2);
  });
});
