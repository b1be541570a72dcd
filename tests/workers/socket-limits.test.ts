import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../lib/rate-limits";
import type { SidecarApi } from "../../lib/sidecar-api";
import { CLOSE, MAX_CLIENT_FRAME_CHARS, NOTIFICATIONS_SOCKET_PATH, socketPath } from "../../lib/socket-protocol";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { notificationsOf } from "../../services/objects";

/**
 * A socket's frames are limited where they arrive (the object's memory: no call, no row), and a
 * socket ticket opens one socket even across a restart of the object that spends it.
 */

const sidecar = exports.default as unknown as SidecarApi;

/** The test's end of a socket: how many frames came back, and how it closed. */
class Peer {
  received = 0;
  closedWith: number | null = null;
  private wake: (() => void) | null = null;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", () => {
      this.received++;
      this.wake?.();
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = event.code;
      this.wake?.();
    });
  }

  /** Resolves when the server closed the socket. */
  async closed(): Promise<number> {
    while (this.closedWith === null) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.closedWith;
  }

  /** Resolves once at least `count` frames arrived. */
  async frames(count: number): Promise<void> {
    while (this.received < count) {
      if (this.closedWith !== null) throw new Error(`closed (${this.closedWith}) after ${this.received} frames`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const upgrade = { headers: { upgrade: "websocket" } };
const openChat = (sessionId: string, ticket: string) => exports.default.fetch(new Request(`http://sidecar${socketPath(sessionId)}?ticket=${encodeURIComponent(ticket)}`, upgrade));
const openBell = (ticket: string) => exports.default.fetch(new Request(`http://sidecar${NOTIFICATIONS_SOCKET_PATH}?ticket=${encodeURIComponent(ticket)}`, upgrade));

async function newChat() {
  const chat = { sessionId: newSessionId(), ownerId: newOwnerId() };
  unwrapOk(await sidecar.sendMessage(chat.sessionId, chat.ownerId, { content: "hello" }));
  return chat;
}

describe("socket frames", () => {
  beforeAll(seedCatalog);

  it("closes a chat socket that floods frames, after answering those within its limit", async () => {
    const chat = await newChat();
    const response = await openChat(chat.sessionId, unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId)).ticket);
    expect(response.status).toBe(101);
    const peer = new Peer(response.webSocket!);
    // Frames the object answers with exactly one error frame each, so the answers can be counted.
    const flood = LIMITS.chatFramesPerSocket.capacity * 4;
    for (let i = 0; i < flood; i++) peer.ws.send("{}");
    expect(await peer.closed()).toBe(CLOSE.tooManyFrames);
    expect(peer.received).toBeGreaterThanOrEqual(LIMITS.chatFramesPerSocket.capacity);
    expect(peer.received).toBeLessThan(flood);
    await vi.waitFor(async () => expect(await chatSession(chat.sessionId).socketCount()).toBe(0));
  });

  it("closes a bell socket that floods frames, and one that sends a frame larger than any the bell sends", async () => {
    const ownerId = newOwnerId();
    const flooded = new Peer((await openBell(unwrapOk(await sidecar.notificationSocketTicket(ownerId)).ticket)).webSocket!);
    const flood = LIMITS.bellFramesPerSocket.capacity * 4;
    for (let i = 0; i < flood; i++) flooded.ws.send(JSON.stringify({ v: 1, type: "hello" }));
    expect(await flooded.closed()).toBe(CLOSE.tooManyFrames);
    expect(flooded.received).toBe(LIMITS.bellFramesPerSocket.capacity);

    const large = new Peer((await openBell(unwrapOk(await sidecar.notificationSocketTicket(ownerId)).ticket)).webSocket!);
    large.ws.send(JSON.stringify({ v: 1, type: "hello", pad: "x".repeat(MAX_CLIENT_FRAME_CHARS) }));
    expect(await large.closed()).toBe(CLOSE.tooLarge);
    expect(large.received).toBe(0);
  });

  it("answers a bell's hellos within its limit", async () => {
    const ownerId = newOwnerId();
    const bell = new Peer((await openBell(unwrapOk(await sidecar.notificationSocketTicket(ownerId)).ticket)).webSocket!);
    for (let i = 0; i < LIMITS.bellFramesPerSocket.capacity; i++) bell.ws.send(JSON.stringify({ v: 1, type: "hello" }));
    await bell.frames(LIMITS.bellFramesPerSocket.capacity);
    expect(bell.closedWith).toBeNull();
    bell.ws.close(1000);
  });
});

describe("a used socket ticket", () => {
  beforeAll(seedCatalog);

  it("does not open a chat's socket again after the chat's object restarted", async () => {
    const chat = await newChat();
    const { ticket } = unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId));
    const first = await openChat(chat.sessionId, ticket);
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    first.webSocket!.close(1000);
    await evictDurableObject(chatSession(chat.sessionId), { webSockets: "close" });
    const again = await openChat(chat.sessionId, ticket);
    expect(again.status).toBe(401);
    expect(again.webSocket).toBeNull();
    // A fresh ticket still opens it.
    const fresh = await openChat(chat.sessionId, unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId)).ticket);
    expect(fresh.status).toBe(101);
    fresh.webSocket!.accept();
    fresh.webSocket!.close(1000);
  });

  it("does not open a bell's socket again after the owner's Notifications object restarted", async () => {
    const ownerId = newOwnerId();
    const { ticket } = unwrapOk(await sidecar.notificationSocketTicket(ownerId));
    const first = await openBell(ticket);
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    first.webSocket!.close(1000);
    await evictDurableObject(notificationsOf(env, ownerId), { webSockets: "close" });
    const again = await openBell(ticket);
    expect(again.status).toBe(401);
    expect(again.webSocket).toBeNull();
  });

  it("is spent with one row written, and a refused upgrade writes none", async () => {
    const chat = await newChat();
    const stub = chatSession(chat.sessionId);
    const { ticket } = unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId));
    // Another owner's ticket for this chat is refused before anything is spent.
    const stranger = await openChat(chat.sessionId, unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, newOwnerId())).ticket);
    expect(stranger.status).toBe(404);
    const before = (await stub.rowCounts()).writes;
    const opened = await openChat(chat.sessionId, ticket);
    expect(opened.status).toBe(101);
    opened.webSocket!.accept();
    const spentOnce = (await stub.rowCounts()).writes;
    const second = await openChat(chat.sessionId, unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId)).ticket);
    expect(second.status).toBe(101);
    second.webSocket!.accept();
    expect((await stub.rowCounts()).writes - spentOnce).toBe(1);
    // The first socket also makes the used tickets' table and its version (docs/security.md, "Sockets").
    expect(spentOnce - before).toBe(6);
    expect((await openChat(chat.sessionId, ticket)).status).toBe(401);
    expect((await stub.rowCounts()).writes - spentOnce).toBe(1);
    opened.webSocket!.close(1000);
    second.webSocket!.close(1000);
  });
});
