import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MessageQueue } from "../../durable-objects/message-queue";
import { IndexedHeap } from "../../durable-objects/queue/indexed-heap";
import { MAX_ATTEMPTS, type EnqueueInput, type FeedEntry } from "../../lib/queue/schemas";
import { newSessionId, unwrapOk } from "./helpers";

/**
 * Exact SQLite rows each operation costs, measured in workerd (`cursor.rowsRead`
 * / `rowsWritten`). They must not depend on how many conversations are stored.
 */
const COST = {
  enqueue: { reads: 2, writes: 4 }, // one insert: the row + its unique, session and open-queue index entries
  claim: { reads: 2, writes: 2 }, // one UPDATE by primary key (+ the open-queue index entry)
  complete: { reads: 5, writes: 4 }, // one UPDATE + one insert of the reply, in one transaction
  duplicateComplete: { reads: 2, writes: 0 }, // the message row and its reply, by unique index
  duplicateEnqueueOfClosed: { reads: 2, writes: 0 }, // the conflicting insert + the stored row
  poll: { reads: 0, writes: 0 },
} as const;

function queue(label: string) {
  return env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromName(`${label}-${crypto.randomUUID()}`));
}
type QueueStub = ReturnType<typeof queue>;

function message(messageId: string, sessionId: string, extra: Partial<EnqueueInput> = {}): EnqueueInput {
  return { messageId, sessionId, content: `question ${messageId}`, createdAt: 1_000, ...extra };
}

/**
 * Fills a queue with `conversations` sessions, each holding 3 answered
 * questions and 1 pending one (7 rows), fast: straight on the instance.
 */
async function seedConversations(stub: QueueStub, conversations: number): Promise<string[]> {
  return runInDurableObject(stub, async (instance: MessageQueue) => {
    const sessions: string[] = [];
    for (let c = 0; c < conversations; c++) {
      const sessionId = newSessionId();
      sessions.push(sessionId);
      for (let turn = 0; turn < 3; turn++) {
        const id = `seed-${c}-${turn}`;
        unwrapOk(instance.enqueue(message(id, sessionId, { createdAt: 1_000 + c })));
        const lease = unwrapOk(await instance.claim({ messageId: id, workerId: "seed" }));
        unwrapOk(await instance.complete({ messageId: id, leaseId: lease.leaseId, reply: `answer ${c}-${turn}` }));
      }
      unwrapOk(instance.enqueue(message(`seed-${c}-open`, sessionId, { createdAt: 1_000 + c, priority: 1 + (c % 10) })));
    }
    return sessions;
  });
}

/** Runs alarms until none is scheduled; never sleeps (each run is real I/O, so a 1 ms lease lapses). */
async function drainAlarms(stub: QueueStub): Promise<number> {
  let runs = 0;
  while (await runDurableObjectAlarm(stub)) {
    if (++runs > 1_000) throw new Error("alarm keeps rescheduling");
  }
  return runs;
}

/** Reads the whole feed with the cursor, `limit` at a time. */
async function readFeed(stub: QueueStub, limit = 500): Promise<FeedEntry[]> {
  const entries: FeedEntry[] = [];
  let after = 0;
  for (;;) {
    const page = unwrapOk(await stub.feed({ after, limit }));
    entries.push(...page.entries);
    after = page.lastSeq;
    if (!page.hasMore) return entries;
  }
}

const strip = ({ kvStats: _, ...rest }: { kvStats: unknown }) => rest;

describe("MessageQueue polls", () => {
  it("serves pending and feed polls from memory, 0 rows read, with 2,000 conversations stored", async () => {
    const stub = queue("polls");
    await seedConversations(stub, 2_000);
    await evictDurableObject(stub); // a cold instance: its warm-up happens before the first poll

    const pending = unwrapOk(await stub.pending(50));
    expect(pending.kvStats).toEqual(COST.poll);
    expect(pending.total).toBe(2_000);
    expect(pending.messages.map((m) => m.priority)).toEqual([...pending.messages.map((m) => m.priority)].sort((a, b) => b - a));
    expect(pending.messages[0]).toMatchObject({ priority: 10, messageId: "seed-9-open" });

    const stats = unwrapOk(await stub.stats());
    const feed = unwrapOk(await stub.feed({ after: stats.feedWindow.lastSeq - 100, limit: 100 }));
    expect(feed).toMatchObject({ source: "memory", hasMore: false, kvStats: COST.poll, lastSeq: stats.feedWindow.lastSeq });
    expect(feed.entries).toHaveLength(100);
    expect(unwrapOk(await stub.feed({ after: stats.feedWindow.lastSeq, limit: 100 })).kvStats).toEqual(COST.poll);
  });

  it("answers a cursor older than the memory window with one primary-key range read", async () => {
    const stub = queue("old-cursor");
    await seedConversations(stub, 2_000); // 14,000 entries: more than the 10,000-entry window
    const stats = unwrapOk(await stub.stats());
    expect(stats.feedWindow.entries).toBe(10_000);
    expect(stats.feedWindow.coversAfter).toBe(4_000);

    const old = unwrapOk(await stub.feed({ after: 0, limit: 100 }));
    expect(old).toMatchObject({ source: "storage", hasMore: true, lastSeq: 100, kvStats: { reads: 101, writes: 0 } });
    expect(old.entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Crossing into the window: the page at the boundary comes from memory again.
    expect(unwrapOk(await stub.feed({ after: 4_000, limit: 100 }))).toMatchObject({ source: "memory", kvStats: COST.poll });
  });
});

describe("MessageQueue operation costs", () => {
  it("enqueue, claim and complete cost the same exact rows with 10 and with 2,000 conversations", async () => {
    const measured: Record<string, unknown>[] = [];
    for (const conversations of [10, 2_000]) {
      const stub = queue(`cost-${conversations}`);
      await seedConversations(stub, conversations);
      const sessionId = newSessionId();
      const enqueued = unwrapOk(await stub.enqueue(message("fresh", sessionId, { priority: 10, createdAt: 1 })));
      const lease = unwrapOk(await stub.claim({ messageId: "fresh", workerId: "w1" }));
      const done = unwrapOk(await stub.complete({ messageId: "fresh", leaseId: lease.leaseId, reply: "fresh answer" }));
      const again = unwrapOk(await stub.complete({ messageId: "fresh", leaseId: lease.leaseId, reply: "fresh answer" }));
      const next = unwrapOk(await stub.claimNext({ workerId: "w2" }));
      const reEnqueue = unwrapOk(await stub.enqueue(message("fresh", sessionId)));
      measured.push({
        enqueue: enqueued.kvStats,
        claim: lease.kvStats,
        complete: done.kvStats,
        duplicateComplete: again.kvStats,
        claimNext: next.kvStats,
        duplicateEnqueueOfClosed: reEnqueue.kvStats,
      });
    }
    const { poll: _poll, ...perOperation } = COST;
    const expected = { ...perOperation, claimNext: COST.claim };
    expect(measured).toEqual([expected, expected]);
  });

  it("reads at most `limit` rows for a conversation's context, newest rows oldest first", async () => {
    const stub = queue("conversation");
    const sessions = await seedConversations(stub, 2_000);
    const talkative = newSessionId();
    await runInDurableObject(stub, async (instance: MessageQueue) => {
      for (let i = 0; i < 150; i++) {
        unwrapOk(instance.enqueue(message(`talk-${i}`, talkative)));
        const lease = unwrapOk(await instance.claim({ messageId: `talk-${i}`, workerId: "w" }));
        unwrapOk(await instance.complete({ messageId: `talk-${i}`, leaseId: lease.leaseId, reply: `reply ${i}` }));
      }
    });
    const context = unwrapOk(await stub.conversation({ sessionId: talkative, limit: 100 }));
    expect(context.kvStats).toEqual({ reads: 100, writes: 0 });
    expect(context.entries).toHaveLength(100);
    expect(context.entries.at(-1)).toMatchObject({ kind: "reply", content: "reply 149" });
    expect(context.entries[0]).toMatchObject({ kind: "message", messageId: "talk-100" });

    const short = unwrapOk(await stub.conversation({ sessionId: sessions[7]!, limit: 100 }));
    // Short of the limit, the index scan also reads the next entry to see the session ended.
    expect(short.kvStats).toEqual({ reads: 7 + 1, writes: 0 });
    expect(short.entries.map((e) => e.kind)).toEqual(["message", "reply", "message", "reply", "message", "reply", "message"]);
  });
});

describe("MessageQueue leases", () => {
  it("redelivers a message whose lease lapsed when the alarm fires, with attempts + 1", async () => {
    const stub = queue("alarm");
    const sessionId = newSessionId();
    unwrapOk(await stub.enqueue(message("q1", sessionId)));
    const first = unwrapOk(await stub.claim({ messageId: "q1", workerId: "crashy", leaseMs: 1 }));
    expect(first.attempts).toBe(0);
    expect(unwrapOk(await stub.stats()).nextAlarmAt).toBe(first.leaseExpiresAt);

    expect(await drainAlarms(stub)).toBeGreaterThanOrEqual(1);
    const pending = unwrapOk(await stub.pending(10));
    expect(pending.messages).toEqual([expect.objectContaining({ messageId: "q1", attempts: 1 })]);
    expect(unwrapOk(await stub.stats())).toMatchObject({ leased: 0, nextAlarmAt: null });

    const second = unwrapOk(await stub.claimNext({ workerId: "steady" }));
    expect(second.lease).toMatchObject({ messageId: "q1", attempts: 1 });
    expect(second.lease!.leaseId).not.toBe(first.leaseId);
  });

  it("dead-letters a message after the maximum attempts, tells once, and requeues it with attempts reset", async () => {
    const stub = queue("dead");
    const sessionId = newSessionId();
    unwrapOk(await stub.enqueue(message("doomed", sessionId, { ownerId: "owner-1234567890abcdef" })));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      unwrapOk(await stub.claim({ messageId: "doomed", workerId: "w" }));
      const expired = unwrapOk(await stub.expireLeases(Date.now() + 61_000));
      expect(expired).toMatchObject(attempt < MAX_ATTEMPTS ? { requeued: ["doomed"], dead: [] } : { requeued: [], dead: ["doomed"] });
    }
    expect(unwrapOk(await stub.pending(10)).total).toBe(0);
    expect(await stub.claim({ messageId: "doomed", workerId: "w" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    const dead = unwrapOk(await stub.deadLetters(10));
    expect(dead.deadLetters).toEqual([expect.objectContaining({ messageId: "doomed", sessionId, attempts: MAX_ATTEMPTS })]);

    const notices = unwrapOk(await stub.drainDeadLetterNotices());
    expect(notices.notices).toEqual([expect.objectContaining({ messageId: "doomed", sessionId, ownerId: "owner-1234567890abcdef" })]);
    expect(notices.kvStats).toEqual({ reads: 1, writes: 1 }); // marking it told: one UPDATE by primary key
    expect(unwrapOk(await stub.drainDeadLetterNotices()).notices).toEqual([]);

    unwrapOk(await stub.requeue("doomed"));
    expect(unwrapOk(await stub.pending(10)).messages).toEqual([expect.objectContaining({ messageId: "doomed", attempts: 0 })]);
    expect(unwrapOk(await stub.deadLetters(10))).toMatchObject({ deadLetters: [], total: 0 });
    expect(await stub.requeue("doomed")).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(await stub.requeue("nobody")).toMatchObject({ ok: false, error: { code: "not_found:message" } });
  });

  it("keeps the alarm at the earliest live lease and deletes it when the last lease completes", async () => {
    const stub = queue("alarm-moves");
    const sessionId = newSessionId();
    for (const id of ["a", "b"]) unwrapOk(await stub.enqueue(message(id, sessionId)));
    const late = unwrapOk(await stub.claim({ messageId: "a", workerId: "w", leaseMs: 120_000 }));
    const early = unwrapOk(await stub.claim({ messageId: "b", workerId: "w", leaseMs: 30_000 }));
    const alarm = () => runInDurableObject(stub, (_: MessageQueue, state) => state.storage.getAlarm());
    expect(await alarm()).toBe(early.leaseExpiresAt);
    unwrapOk(await stub.complete({ messageId: "b", leaseId: early.leaseId, reply: "done b" }));
    expect(await alarm()).toBe(late.leaseExpiresAt);
    unwrapOk(await stub.complete({ messageId: "a", leaseId: late.leaseId, reply: "done a" }));
    expect(await alarm()).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("stores one reply: a retried complete is a duplicate that returns the original reply", async () => {
    const stub = queue("duplicate");
    const sessionId = newSessionId();
    unwrapOk(await stub.enqueue(message("q", sessionId)));
    const lease = unwrapOk(await stub.claim({ messageId: "q", workerId: "w" }));
    const first = unwrapOk(await stub.complete({ messageId: "q", leaseId: lease.leaseId, reply: "the answer" }));
    const retry = unwrapOk(await stub.complete({ messageId: "q", leaseId: lease.leaseId, reply: "a second answer" }));
    expect(first).toMatchObject({ completed: true, duplicate: false, sessionId, reply: "the answer" });
    expect(retry).toMatchObject({ completed: true, duplicate: true, sessionId, reply: "the answer", replySeq: first.replySeq });
    expect(retry.kvStats).toEqual(COST.duplicateComplete);
    const feed = unwrapOk(await stub.feed({ after: 0, limit: 10 }));
    expect(feed.entries.map((e) => [e.kind, e.content])).toEqual([["message", "question q"], ["reply", "the answer"]]);
  });

  it("refuses a stale lease (409) once the message was re-leased, and unknown messages (404)", async () => {
    const stub = queue("stale");
    const sessionId = newSessionId();
    unwrapOk(await stub.enqueue(message("q", sessionId)));
    const lost = unwrapOk(await stub.claim({ messageId: "q", workerId: "slow" }));
    unwrapOk(await stub.expireLeases(Date.now() + 61_000));
    expect(await stub.complete({ messageId: "q", leaseId: lost.leaseId, reply: "late" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    const current = unwrapOk(await stub.claim({ messageId: "q", workerId: "fast" }));
    expect(await stub.complete({ messageId: "q", leaseId: lost.leaseId, reply: "late" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    unwrapOk(await stub.complete({ messageId: "q", leaseId: current.leaseId, reply: "on time" }));
    expect(await stub.complete({ messageId: "q", leaseId: lost.leaseId, reply: "late" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(await stub.claim({ messageId: "q", workerId: "w" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(await stub.complete({ messageId: "nope", leaseId: "x", reply: "r" })).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(await stub.claim({ messageId: "nope", workerId: "w" })).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(unwrapOk(await stub.conversation({ sessionId, limit: 10 })).entries.map((e) => e.content)).toEqual(["question q", "on time"]);
  });
});

describe("MessageQueue order and idempotency", () => {
  it("orders pending by priority then age; setPriority moves a waiting message and refuses others", async () => {
    const stub = queue("order");
    const s = newSessionId();
    unwrapOk(await stub.enqueue(message("young-5", s, { createdAt: 300 })));
    unwrapOk(await stub.enqueue(message("old-5", s, { createdAt: 100 })));
    unwrapOk(await stub.enqueue(message("urgent", s, { createdAt: 500, priority: 9 })));
    unwrapOk(await stub.enqueue(message("low", s, { createdAt: 50, priority: 1 })));
    const ids = async () => unwrapOk(await stub.pending(10)).messages.map((m) => m.messageId);
    expect(await ids()).toEqual(["urgent", "old-5", "young-5", "low"]);
    expect(unwrapOk(await stub.setPriority({ messageId: "low", priority: 10 })).kvStats).toEqual({ reads: 1, writes: 1 });
    expect(await ids()).toEqual(["low", "urgent", "old-5", "young-5"]);
    expect(unwrapOk(await stub.claimNext({ workerId: "w" })).lease?.messageId).toBe("low");
    expect(await stub.setPriority({ messageId: "low", priority: 2 })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(await stub.setPriority({ messageId: "ghost", priority: 2 })).toMatchObject({ ok: false, error: { code: "not_found:message" } });
    expect(unwrapOk(await stub.pending(2)).messages.map((m) => m.messageId)).toEqual(["urgent", "old-5"]);
  });

  it("heap: lists the best k in order after random pushes, removals and updates", () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ id: `i${i}`, rank: (i * 7919) % 101 }));
    const heap = new IndexedHeap<(typeof items)[number]>((a, b) => a.rank < b.rank || (a.rank === b.rank && a.id < b.id), (x) => x.id);
    for (const item of items) heap.push(item);
    for (const item of items.filter((_, i) => i % 3 === 0)) heap.remove(item.id);
    for (const item of items.filter((_, i) => i % 5 === 1)) {
      item.rank = 200 - item.rank; // re-ranked in place, as setPriority does
      heap.update(item.id);
    }
    const expected = items.filter((_, i) => i % 3 !== 0).sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
    expect(heap.top(50)).toEqual(expected.slice(0, 50));
    expect(Array.from({ length: heap.size }, () => heap.pop())).toEqual(expected);
  });

  it("queues a message id once: a retried enqueue changes nothing", async () => {
    const stub = queue("idempotent");
    const s = newSessionId();
    const first = unwrapOk(await stub.enqueue(message("m", s)));
    const retry = unwrapOk(await stub.enqueue(message("m", s, { content: "edited" })));
    expect(first).toMatchObject({ created: true, kvStats: COST.enqueue });
    expect(retry).toMatchObject({ created: false, seq: first.seq, status: "pending", kvStats: COST.poll });
    expect(unwrapOk(await stub.pending(10)).messages).toEqual([expect.objectContaining({ messageId: "m", content: "question m" })]);
    expect(unwrapOk(await stub.feed({ after: 0, limit: 10 })).entries).toHaveLength(1);
  });

  it("rejects invalid input with a 4xx code and changes nothing", async () => {
    const stub = queue("invalid");
    const bad = [
      await stub.enqueue({ messageId: "", sessionId: "nope", content: "x", createdAt: 1 }),
      await stub.enqueue({ ...message("p", newSessionId()), priority: 11 }),
      await stub.claim({ messageId: "x", workerId: "w", leaseMs: 0 }),
      await stub.complete({ messageId: "x", leaseId: "l", reply: "" }),
      await stub.feed({ after: -1, limit: 10 }),
      await stub.pending(0),
    ];
    for (const result of bad) expect(result).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^bad_request:/) } });
    expect(unwrapOk(await stub.stats())).toMatchObject({ pending: 0, feedWindow: { entries: 0, lastSeq: 0 } });
  });
});

describe("MessageQueue restart and concurrency", () => {
  it("rebuilds an identical pending queue, leases and feed after a restart, reading only open rows and the window", async () => {
    const stub = queue("restart");
    await seedConversations(stub, 2_000);
    const held = unwrapOk(await stub.claimNext({ workerId: "w", leaseMs: 120_000 })).lease!;
    unwrapOk(await stub.setPriority({ messageId: "seed-5-open", priority: 10 }));
    const before = {
      pending: strip(unwrapOk(await stub.pending(1_000))),
      feed: await readFeed(stub),
      stats: strip(unwrapOk(await stub.stats())),
    };

    await evictDurableObject(stub);
    // Wake-up cost: the schema version (1) + the 2,000 open rows + the 10,000-entry window + the
    // dead-letter count and the unnotified scan (1 each, both empty): not the 14,000-row history.
    expect(await stub.rowCounts()).toEqual({ reads: 1 + 2_000 + 10_000 + 1 + 1, writes: 0 });
    const after = {
      pending: strip(unwrapOk(await stub.pending(1_000))),
      feed: await readFeed(stub),
      stats: strip(unwrapOk(await stub.stats())),
    };
    expect(after).toEqual(before);
    expect(before.feed).toHaveLength(14_000);
    expect(await stub.claim({ messageId: held.messageId, workerId: "x" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(unwrapOk(await stub.complete({ messageId: held.messageId, leaseId: held.leaseId, reply: "after restart" })).duplicate).toBe(false);
  });

  it("processes 2,000 messages from 20 concurrent posters exactly once, with a gap-free feed", async () => {
    const stub = queue("concurrent");
    const sessions = Array.from({ length: 20 }, () => newSessionId());
    await Promise.all(
      sessions.map(async (sessionId, poster) => {
        for (let i = 0; i < 100; i++) {
          unwrapOk(await stub.enqueue(message(`p${poster}-${i}`, sessionId, { createdAt: i, priority: 1 + ((poster + i) % 10) })));
        }
      }),
    );
    const replies = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (;;) {
          const { lease } = unwrapOk(await stub.claimNext({ workerId: `bot-${worker}` }));
          if (!lease) return;
          const done = unwrapOk(await stub.complete({ messageId: lease.messageId, leaseId: lease.leaseId, reply: `re ${lease.messageId}` }));
          if (!done.duplicate) replies.set(lease.messageId, (replies.get(lease.messageId) ?? 0) + 1);
        }
      }),
    );
    expect(replies.size).toBe(2_000);
    expect([...replies.values()].every((n) => n === 1)).toBe(true);
    expect(unwrapOk(await stub.stats())).toMatchObject({ pending: 0, leased: 0, dead: 0 });

    const feed = await readFeed(stub, 333);
    expect(feed).toHaveLength(4_000);
    expect(feed.map((e) => e.seq)).toEqual(Array.from({ length: 4_000 }, (_, i) => i + 1));
    expect(new Set(feed.map((e) => `${e.kind}:${e.messageId}`)).size).toBe(4_000);
  });

  it("never skips or repeats an entry while the feed is read during concurrent enqueues", async () => {
    const stub = queue("cursor");
    const sessions = Array.from({ length: 10 }, () => newSessionId());
    const seen: FeedEntry[] = [];
    let writing = true;
    const reader = (async () => {
      let after = 0;
      for (;;) {
        const stillWriting = writing;
        const page = unwrapOk(await stub.feed({ after, limit: 7 }));
        expect(page.kvStats).toEqual(COST.poll);
        seen.push(...page.entries);
        after = page.lastSeq;
        if (!stillWriting && !page.hasMore) return;
      }
    })();
    await Promise.all(
      sessions.map(async (sessionId, poster) => {
        for (let i = 0; i < 50; i++) unwrapOk(await stub.enqueue(message(`c${poster}-${i}`, sessionId)));
      }),
    );
    writing = false;
    await reader;
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(seen.map((e) => e.messageId)).size).toBe(500);
  });
});
