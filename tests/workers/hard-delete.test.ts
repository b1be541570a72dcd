import { exports } from "cloudflare:workers";
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ChatSession } from "../../durable-objects/chat-session";
import { DAY_MS, GRACE_DAYS, type Tier } from "../../lib/schemas";
import { runHardDelete } from "../../services/hard-delete";
import { chatSession, insertChat, newOwnerId, newSessionId, setTier, TEST_NOW, unwrapOk } from "./helpers";

// Its own file: D1 is shared by the tests of a file, and this run deletes every expired chat it finds.
const NOW = TEST_NOW;


/** Rows a chat's object still holds, read inside the object itself. */
async function storedRows(sessionId: string) {
  return runInDurableObject(chatSession(sessionId), (_instance: ChatSession, state) => {
    const count = (table: string) =>
      state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`, table).one().n === 1
        ? state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n
        : 0;
    return count("messages") + count("session");
  });
}

describe("weekly hard delete", () => {
  it("deletes exactly the expired chats of 1,000, empties their objects, and reads nothing before deleting", async () => {
    const owners: Record<Tier | "none", string> = { free: newOwnerId(), pro: newOwnerId(), premium: newOwnerId(), none: newOwnerId() };
    await setTier(owners.free, "free");
    await setTier(owners.pro, "pro");
    await setTier(owners.premium, "premium");
    const ages = [null, 10, 29, 31, 60, 89, 91, 200, 364, 366];
    const graceOf = (owner: keyof typeof owners) => GRACE_DAYS[owner === "none" ? "free" : owner];
    const chats: { id: string; owner: keyof typeof owners; age: number | null; withObject: boolean }[] = [];
    for (let i = 0; i < 1_000; i++) {
      const owner = (["free", "pro", "premium", "none"] as const)[i % 4]!;
      chats.push({ id: newSessionId(), owner, age: ages[Math.floor(i / 4) % ages.length]!, withObject: i < 80 });
    }
    for (let start = 0; start < chats.length; start += 100) {
      await env.DB.batch(
        chats.slice(start, start + 100).map((chat) =>
          env.DB.prepare("INSERT INTO chats (id, owner_id, title, created_at, updated_at, deleted, deleted_at) VALUES (?, ?, 't', 0, 0, ?, ?)")
            .bind(chat.id, owners[chat.owner], chat.age === null ? 0 : 1, chat.age === null ? null : NOW - chat.age * DAY_MS),
        ),
      );
    }
    // The first 80 chats have real objects with messages; the other 920 never existed.
    for (const chat of chats.filter((c) => c.withObject)) {
      unwrapOk(await chatSession(chat.id).addUserMessage(owners[chat.owner], chat.id, { id: "m1", content: "hello" }, NOW));
    }

    const statements: string[] = [];
    const recordingDb = new Proxy(env.DB, {
      get(target, property) {
        if (property === "prepare") return (query: string) => (statements.push(query.trim()), target.prepare(query));
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const summary = await runHardDelete({ DB: recordingDb, CHAT_SESSION: env.CHAT_SESSION, MESSAGE_QUEUE: env.MESSAGE_QUEUE }, NOW);

    const expired = chats.filter((chat) => chat.age !== null && chat.age > graceOf(chat.owner));
    expect(summary).toEqual({ deleted: expired.length, cleaned: expired.length, failed: 0 });
    // One batch first: per tier, record the expired chats as pending cleanups and delete them; no read before.
    const tierStatements = Object.keys(GRACE_DAYS).length * 3;
    expect(statements.slice(0, tierStatements).every((query) => /^(INSERT INTO chat_cleanup_failures|DELETE FROM (staff_messages|chats))/i.test(query))).toBe(true);
    expect(statements[tierStatements]).toMatch(/^SELECT chat_id AS id, attempts FROM chat_cleanup_failures/);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM chat_cleanup_failures").first()).toEqual({ n: 0 });

    const { results } = await env.DB.prepare("SELECT id FROM chats WHERE owner_id IN (?, ?, ?, ?)")
      .bind(owners.free, owners.pro, owners.premium, owners.none)
      .all<{ id: string }>();
    const remaining = new Set(results.map((row) => row.id));
    for (const chat of chats) expect(remaining.has(chat.id)).toBe(!expired.includes(chat));

    for (const chat of chats.filter((c) => c.withObject)) {
      expect(await storedRows(chat.id)).toBe(expired.includes(chat) ? 0 : 2);
    }
  });

  it("refuses the internal cleanup endpoint without the right key and deletes nothing", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    unwrapOk(await chatSession(sessionId).addUserMessage(ownerId, sessionId, { id: "m1", content: "keep me" }, NOW));
    const url = `http://sidecar/internal/chats/${sessionId}/cleanup`;
    const attempts: Record<string, string>[] = [{}, { "x-internal-key": "wrong" }, { "x-internal-key": `${env.INTERNAL_KEY}x` }];
    for (const headers of attempts) {
      const response = await exports.default.fetch(new Request(url, { method: "POST", headers }));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect(await storedRows(sessionId)).toBe(2);

    const allowed = await exports.default.fetch(new Request(url, { method: "POST", headers: { "x-internal-key": env.INTERNAL_KEY } }));
    expect(allowed.status).toBe(200);
    expect(await storedRows(sessionId)).toBe(0);
  });

  it("keeps a failed cleanup for the next run", async () => {
    const id = newSessionId();
    const ownerId = newOwnerId();
    await insertChat(id, ownerId, 400);
    const failing = {
      idFromName: (name: string) => env.CHAT_SESSION.idFromName(name),
      get: () => ({ destroy: () => Promise.reject(new Error("object overloaded")) }),
    } as unknown as typeof env.CHAT_SESSION;
    expect(await runHardDelete({ DB: env.DB, CHAT_SESSION: failing, MESSAGE_QUEUE: env.MESSAGE_QUEUE }, NOW)).toMatchObject({ failed: 1 });
    const kept = await env.DB.prepare("SELECT attempts, last_error FROM chat_cleanup_failures WHERE chat_id = ?").bind(id).first();
    expect(kept).toEqual({ attempts: 1, last_error: "object overloaded" });

    expect(await runHardDelete({ DB: env.DB, CHAT_SESSION: env.CHAT_SESSION, MESSAGE_QUEUE: env.MESSAGE_QUEUE }, NOW)).toMatchObject({ deleted: 1, cleaned: 1, failed: 0 });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM chat_cleanup_failures").first()).toEqual({ n: 0 });
  });

  it("leaves no copy of a chat's text: object, queue rows, feed, staff messages, D1", async () => {
    const { acceptUserMessage } = await import("../../services/assistant-turn");
    const { messageQueue } = await import("../../services/objects");
    const { BotQueueApi } = await import("../../workers/bot-queue");
    const external = { ...env, BOT_MODE: "external" };
    const bots = new BotQueueApi(external);
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const secret = "my secret exam question";
    const sent = unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message: { content: secret }, now: new Date() }));
    const lease = z.object({ leaseId: z.string() }).parse(unwrapOk(await bots.claim(env.BOT_TOKEN, { messageId: sent.message.id, workerId: "bot" })));
    unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId: sent.message.id, leaseId: lease.leaseId, reply: `About ${secret}: here is how.` }));
    // A second message waits in the queue when the chat is purged.
    unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message: { content: `${secret}, part two` }, now: new Date() }));
    await env.DB.prepare("INSERT INTO staff_messages (id, session_id, owner_id, note, transcript, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(`sm-${sessionId}`, sessionId, ownerId, secret, JSON.stringify([{ role: "user", content: secret }]), NOW)
      .run();
    await env.DB.prepare("UPDATE chats SET deleted = 1, deleted_at = ? WHERE id = ?").bind(NOW - 400 * DAY_MS, sessionId).run();

    const summary = await runHardDelete({ DB: env.DB, CHAT_SESSION: env.CHAT_SESSION, MESSAGE_QUEUE: env.MESSAGE_QUEUE }, NOW);
    expect(summary.failed).toBe(0);

    const queue = messageQueue(env);
    const everywhere = JSON.stringify([
      unwrapOk(await queue.conversation({ sessionId, limit: 100 })).entries,
      unwrapOk(await queue.feed({ after: 0, limit: 1000 })).entries,
      unwrapOk(await queue.pending(1000)).messages,
      unwrapOk(await queue.deadLetters(1000)).deadLetters,
      (await env.DB.prepare("SELECT * FROM staff_messages WHERE session_id = ?").bind(sessionId).all()).results,
      (await env.DB.prepare("SELECT * FROM chats WHERE id = ?").bind(sessionId).all()).results,
    ]);
    expect(everywhere).not.toContain("secret exam");
    expect(await storedRows(sessionId)).toBe(0);
    expect(unwrapOk(await queue.pending(1000)).messages.some((message) => message.sessionId === sessionId)).toBe(false);
  });

  it("finishes a cleanup that an interrupted run left pending", async () => {
    const { deleteExpiredChats } = await import("../../services/db/chats");
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    unwrapOk(await chatSession(sessionId).addUserMessage(ownerId, sessionId, { id: "m1", content: "left behind?" }, NOW));
    await insertChat(sessionId, ownerId, 400);
    // The D1 half commits, then the run dies before any object is emptied.
    const { pending } = await deleteExpiredChats(env.DB, { now: NOW });
    expect(pending.map((chat) => chat.id)).toContain(sessionId);
    expect(await env.DB.prepare("SELECT id FROM chats WHERE id = ?").bind(sessionId).first()).toBeNull();
    expect(await storedRows(sessionId)).toBe(2);

    const next = await runHardDelete({ DB: env.DB, CHAT_SESSION: env.CHAT_SESSION, MESSAGE_QUEUE: env.MESSAGE_QUEUE }, NOW);
    expect(next).toMatchObject({ failed: 0 });
    expect(await storedRows(sessionId)).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM chat_cleanup_failures WHERE chat_id = ?").bind(sessionId).first()).toEqual({ n: 0 });
  });
});
