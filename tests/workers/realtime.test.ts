import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChatSession } from "../../durable-objects/chat-session";
import type { SidecarApi } from "../../lib/sidecar-api";
import { RESUME_PAGE, socketPath } from "../../lib/socket-protocol";
import { connect } from "./socket-helpers";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";

const sidecar = exports.default as unknown as SidecarApi;

async function newChat(content = "hello") {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content }));
  return { sessionId, ownerId };
}

describe("chat sockets", () => {
  beforeAll(seedCatalog);

  it("refuses another owner's ticket before the upgrade, and a bad or reused ticket", async () => {
    const { sessionId, ownerId } = await newChat();
    const stranger = await connect(sessionId, ownerId, newOwnerId());
    expect(stranger.response.status).toBe(404);
    expect(stranger.socket).toBeNull();

    const forged = await exports.default.fetch(
      new Request(`http://sidecar${socketPath(sessionId)}?ticket=not.valid`, { headers: { upgrade: "websocket" } }),
    );
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "unauthorized" } });

    // A ticket for one chat does not open another.
    const other = await newChat();
    const { ticket } = unwrapOk(await sidecar.issueSocketTicket(other.sessionId, other.ownerId));
    const crossed = await exports.default.fetch(
      new Request(`http://sidecar${socketPath(sessionId)}?ticket=${ticket}`, { headers: { upgrade: "websocket" } }),
    );
    expect(crossed.status).toBe(401);

    // One ticket, one socket.
    const { ticket: once } = unwrapOk(await sidecar.issueSocketTicket(sessionId, ownerId));
    const open = (t: string) => exports.default.fetch(new Request(`http://sidecar${socketPath(sessionId)}?ticket=${t}`, { headers: { upgrade: "websocket" } }));
    const first = await open(once);
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    const second = await open(once);
    expect(second.status).toBe(401);
    first.webSocket!.close(1000);
  });

  it("refuses a plain request on the socket path with 426", async () => {
    const { sessionId, ownerId } = await newChat();
    const { ticket } = unwrapOk(await sidecar.issueSocketTicket(sessionId, ownerId));
    const response = await exports.default.fetch(new Request(`http://sidecar${socketPath(sessionId)}?ticket=${ticket}`));
    expect(response.status).toBe(426);
  });

  it("resumes after seq N with exactly the messages after N, across a page boundary", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await runInDurableObject(chatSession(sessionId), async (instance: ChatSession) => {
      for (let i = 0; i < RESUME_PAGE * 2 + 30; i++) unwrapOk(await instance.addUserMessage(ownerId, sessionId, { id: `m-${i}`, content: `m ${i}` }, i * 3_000));
    });
    const { socket } = await connect(sessionId, ownerId);
    const after = 17;
    socket!.send({ v: 1, type: "hello", after });
    await socket!.next("messages", (frame) => frame.caughtUp);
    const seqs = socket!.seqs();
    const lastSeq = RESUME_PAGE * 2 + 30;
    expect(seqs).toEqual(Array.from({ length: lastSeq - after }, (_, i) => after + 1 + i));
    expect(socket!.frames.filter((frame) => frame.type === "messages").length).toBe(3); // 100 + 100 + 13

    // Live messages continue exactly after the resume: no gap, no repeat.
    await runInDurableObject(chatSession(sessionId), async (instance: ChatSession) => {
      unwrapOk(await instance.addUserMessage(ownerId, sessionId, { id: "live", content: "live" }, 99_999_999));
    });
    await socket!.next("messages", (frame) => frame.messages.some((message) => message.id === "live"));
    expect(socket!.seqs().slice(-2)).toEqual([lastSeq, lastSeq + 1]);
    socket!.ws.close(1000);
  });

  it("answers a frame that fails the schema with an error frame and changes nothing", async () => {
    const { sessionId, ownerId } = await newChat();
    const stub = chatSession(sessionId);
    const before = unwrapOk(await stub.getState(ownerId));
    const { socket } = await connect(sessionId, ownerId);
    // Counted from the open socket: opening it spends its ticket (one row, docs/security.md "Sockets").
    const rowsBefore = await stub.rowCounts();
    for (const bad of ["not json", { v: 2, type: "hello", after: 0 }, { v: 1, type: "hello", after: -1 }, { v: 1, type: "delete_everything" }, { v: 1, type: "read", seq: "9" }]) {
      socket!.send(bad);
    }
    // Frames are handled in order: once a valid hello is answered, every bad one before it has been too.
    socket!.send({ v: 1, type: "hello", after: before.lastSeq });
    await socket!.next("presence");
    expect(socket!.frames.filter((frame) => frame.type === "error")).toHaveLength(5);
    expect(unwrapOk(await stub.getState(ownerId))).toEqual(before);
    expect((await stub.rowCounts()).writes).toBe(rowsBefore.writes);
    socket!.ws.close(1000);
  });

  it("pushes a message sent in one tab to another tab, with the new fields", async () => {
    const { sessionId, ownerId } = await newChat("hi");
    const { socket } = await connect(sessionId, ownerId);
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    socket!.send({ v: 1, type: "hello", after: state.lastSeq });
    await socket!.next("presence");
    const sent = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "Python on Monday at 10" }));
    const pushed = await socket!.next("messages", (frame) => frame.messages.some((message) => message.id === sent.message.id));
    expect(pushed.messages.map((message) => message.seq)).toEqual([sent.message.seq, ...sent.replies.map((reply) => reply.seq)]);
    // The hello's state frame first, then the one the exchange pushed.
    await socket!.next("state", () => socket!.frames.filter((frame) => frame.type === "state").length >= 2);
    const pushedState = socket!.frames.filter((frame) => frame.type === "state").at(-1)!;
    const { pendingMatch, bookingInfo, searchCriteria, availableTutors } = sent.state;
    expect(pushedState.fields).toEqual({ pendingMatch, bookingInfo, searchCriteria, availableTutors });
    socket!.ws.close(1000);
  });

  it("shows the assistant typing when a bot claims, then its reply and the receipt", async () => {
    const external = { ...env, BOT_MODE: "external" };
    const { acceptUserMessage } = await import("../../services/assistant-turn");
    const { messageQueue } = await import("../../services/objects");
    const { BotQueueApi } = await import("../../workers/bot-queue");
    const bots = new BotQueueApi(external);
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const sent = unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message: { content: "a question for a bot" }, now: new Date() }));
    const { socket } = await connect(sessionId, ownerId);
    socket!.send({ v: 1, type: "hello", after: sent.state.lastSeq });
    const receipts = await socket!.next("receipts");
    expect(receipts.agent).toBeLessThan(sent.message.seq);

    const lease = unwrapOk(await bots.claim(env.BOT_TOKEN, { messageId: sent.message.id, workerId: "test-bot" }));
    const typing = await socket!.next("activity", (frame) => frame.who === "assistant" && frame.until !== null);
    expect(typing.until).toBe(lease.leaseExpiresAt);
    await socket!.next("receipts", (frame) => frame.agent >= sent.message.seq);

    unwrapOk(await bots.complete(env.BOT_TOKEN, { messageId: sent.message.id, leaseId: lease.leaseId, reply: "Here is my answer." }));
    const reply = await socket!.next("messages", (frame) => frame.messages.some((message) => message.content === "Here is my answer."));
    expect(reply.messages.at(-1)).toMatchObject({ role: "assistant", seq: sent.message.seq + 1 });
    expect((await messageQueue(env).stats()).ok).toBe(true);
    socket!.ws.close(1000);
  });

  it("closes every socket when the chat goes to the trash", async () => {
    const { sessionId, ownerId } = await newChat();
    const { socket } = await connect(sessionId, ownerId);
    socket!.send({ v: 1, type: "hello", after: 0 });
    await socket!.next("presence");
    unwrapOk(await sidecar.deleteChat(sessionId, ownerId));
    await socket!.next("gone");
    expect(await socket!.closed()).toBe(4410);
  });
});

describe("a hand-off to the tutoring center", () => {
  beforeAll(seedCatalog);

  it("queues the student's message for staff and brings their answer into the chat live", async () => {
    const { BotQueueApi } = await import("../../workers/bot-queue");
    const { handoffId } = await import("../../services/effects");
    const staff = new BotQueueApi(env);
    const { sessionId, ownerId } = await newChat("hello");
    const { socket } = await connect(sessionId, ownerId);
    socket!.send({ v: 1, type: "hello", after: 0 });
    await socket!.next("presence");

    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "Leave a message for the tutoring center: can I bring a friend?" }));
    const asked = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "Yes" }));
    // Only a queued hand-off is announced as sent, and nothing promises who answers or when.
    expect(asked.replies.at(-1)!.content).toMatch(/^Sent: .*when they can/);
    const queued = unwrapOk(await staff.pending(env.BOT_TOKEN, 1000));
    const handoff = (queued.messages as Array<{ messageId: string; sessionId: string; content: string; priority: number }>).find((item) => item.sessionId === sessionId);
    expect(handoff).toMatchObject({ messageId: handoffId(asked.message.id), priority: 8 });
    expect(handoff!.content).toContain("can I bring a friend");

    const lease = unwrapOk(await staff.claim(env.BOT_TOKEN, { messageId: handoff!.messageId, workerId: "front-desk" }));
    await socket!.next("activity", (frame) => frame.who === "assistant" && frame.until === lease.leaseExpiresAt);
    unwrapOk(await staff.complete(env.BOT_TOKEN, { messageId: handoff!.messageId, leaseId: lease.leaseId, reply: "Yes, bring them along!" }));
    await socket!.next("messages", (frame) => frame.messages.some((message) => message.content === "Yes, bring them along!"));
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(state.messages.filter((message) => message.content === "Yes, bring them along!")).toHaveLength(1);
    socket!.ws.close(1000);
  });
});

describe("the cost of one built-in exchange", () => {
  beforeAll(seedCatalog);

  it("is one ChatSession call and at most 4 rows written, the D1 chat row untouched", async () => {
    const { sessionId, ownerId } = await newChat("hello");
    const stub = chatSession(sessionId);
    const d1Before = await env.DB.prepare("SELECT updated_at FROM chats WHERE id = ?").bind(sessionId).first<{ updated_at: number }>();
    for (const content of ["I need help with Python on Monday at 10", "show me other tutors", "what can you do?"]) {
      const before = await stub.rowCounts();
      const stored = unwrapOk(await stub.exchange(ownerId, sessionId, { id: crypto.randomUUID(), content }, Date.now()));
      const after = await stub.rowCounts();
      expect(stored.rows.writes, content).toBe(after.writes - before.writes);
      expect(stored.rows.writes, content).toBeLessThanOrEqual(4);
      expect(stored.sent.replies.length, content).toBeGreaterThan(0);
    }
    const d1After = await env.DB.prepare("SELECT updated_at FROM chats WHERE id = ?").bind(sessionId).first<{ updated_at: number }>();
    expect(d1After).toEqual(d1Before);
  });

  it("answers a retried message id with the stored exchange and writes nothing", async () => {
    const { sessionId, ownerId } = await newChat("hello");
    const id = crypto.randomUUID();
    const first = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id, content: "Python on Monday at 10" }));
    const stub = chatSession(sessionId);
    const before = await stub.rowCounts();
    const retry = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id, content: "Python on Monday at 10" }));
    expect(retry.message).toEqual(first.message);
    expect(retry.replies).toEqual(first.replies);
    expect((await stub.rowCounts()).writes).toBe(before.writes);
    const state = unwrapOk(await stub.getState(ownerId));
    expect(state.messages.filter((message) => message.id === id)).toHaveLength(1);
  });
});
