// How a browser tab, the web worker and a bot drive the bench sidecar: the
// tab's socket, and each user action as a counted step (bench/e2e-units.mjs).
import { randomUUID } from "node:crypto";
import { BASE_URL, call, hex } from "./e2e-stack.mjs";
import { step } from "./e2e-units.mjs";

// ---- a browser tab's socket ------------------------------------------------------------

export class Tab {
  frames = [];
  waiters = [];
  sent = 0;
  cursor = 0;
  closed = false;

  /** Ticket (one RPC), then the upgrade through the real socket route. */
  static async connect(sessionId, ownerId) {
    const { value } = await call("issueSocketTicket", sessionId, ownerId);
    const tab = new Tab();
    const url = `${BASE_URL.replace(/^http/, "ws")}/api/chat/session/${encodeURIComponent(sessionId)}/socket?ticket=${encodeURIComponent(value.ticket)}`;
    tab.ws = new WebSocket(url);
    tab.ws.addEventListener("message", (event) => tab.receive(event.data));
    tab.ws.addEventListener("close", () => {
      tab.closed = true;
      tab.receive(null);
    });
    await new Promise((resolve, reject) => {
      tab.ws.addEventListener("open", resolve, { once: true });
      tab.ws.addEventListener("error", () => reject(new Error(`socket to ${sessionId} failed to open`)), { once: true });
    });
    return tab;
  }

  receive(data) {
    let frame = data;
    if (typeof data === "string" && data !== "pong") frame = JSON.parse(data);
    if (frame && frame.type === "messages") this.cursor = Math.max(this.cursor, frame.lastSeq);
    if (frame !== null) this.frames.push(frame);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with the first frame at index >= from that matches. */
  waitFor(match, { from = this.frames.length, timeoutMs = 15_000, what = "a frame" } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.slice(from).find(match);
        if (found) return finish(() => resolve(found));
        if (this.closed) return finish(() => reject(new Error(`socket closed while waiting for ${what}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
      const finish = (settle) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        settle();
      };
      this.waiters.push(check);
      check();
    });
  }

  send(frame) {
    this.sent++;
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** hello: the object resumes after `after` and ends its answer with a presence frame. */
  async hello(after) {
    const from = this.frames.length;
    this.cursor = Math.max(this.cursor, after);
    this.send({ v: 1, type: "hello", after });
    await this.waitFor((f) => f.type === "presence", { from, what: "the resume's presence frame" });
    return this.frames.slice(from);
  }

  /** What the page does when its newest seq changes while visible: a read receipt (answered with receipts to every tab). */
  async read() {
    const from = this.frames.length;
    const seq = this.cursor;
    this.send({ v: 1, type: "read", seq });
    await this.waitFor((f) => f.type === "receipts" && f.student >= seq, { from, what: "receipts after read" });
  }

  async close() {
    if (this.closed) return;
    this.ws.close(1000, "bench");
    await this.waitFor(() => this.closed, { from: 0, what: "close" }).catch(() => {});
  }
}

export const hasMessage = (id) => (f) => f.type === "messages" && f.messages.some((m) => m.id === id);

// ---- the actions, as a browser / the web worker / a bot perform them ------------------

/** POST /api/chat/session/{id}/messages: 1 web request → sendMessage over the binding; the tab gets the push and reports it read. */
export async function sendStep(name, chat, content, tab) {
  const id = randomUUID();
  const from = tab?.frames.length ?? 0;
  return step(name, { web: 1, wsSent: tab ? 1 : 0 }, async () => {
    const { value, ms } = await call("sendMessage", chat.sessionId, chat.ownerId, { id, content });
    if (tab) {
      await tab.waitFor(hasMessage(id), { from, what: `the push of ${id}` });
      await tab.read();
    }
    return { id, ms, lastSeq: value.state.lastSeq, replies: value.replies.length };
  });
}

/** A page load: the document, /api/health (ping), the chat's state, a ticket, the upgrade, hello and the first read receipt. */
export async function pageOpen(chat) {
  const steps = [];
  steps.push(await step("GET / (the page; static assets are free)", { web: 1 }, async () => null));
  steps.push(await step("GET /api/health → ping", { web: 1 }, () => call("ping")));
  const state = await step("GET /api/chat/session/{id} → getState", { web: 1 }, () => call("getState", chat.sessionId, chat.ownerId));
  steps.push(state);
  const lastSeq = state.output.value.lastSeq;
  let tab;
  steps.push(await step("POST socket-ticket → issueSocketTicket, GET …/socket (upgrade)", { web: 2 }, async () => (tab = await Tab.connect(chat.sessionId, chat.ownerId))));
  steps.push(await step("hello (after = lastSeq)", { wsSent: 1 }, () => tab.hello(lastSeq)));
  steps.push(await step("read receipt", { wsSent: 1 }, () => tab.read()));
  // Every page's header: the assistant's persona (the chat page) and the bell (its count, then its own socket).
  steps.push(await step("GET /api/assistant/persona → centerPolicy (one D1 statement)", { web: 1 }, () => call("centerPolicy", "main")));
  steps.push(await step("GET /api/notifications/count → notificationCount", { web: 1 }, () => call("notificationCount", chat.ownerId)));
  let bell;
  steps.push(await step("POST notifications socket-ticket, GET /api/notifications/socket (upgrade), hello", { web: 2, wsSent: 1 }, async () => (bell = await openBell(chat.ownerId))));
  bell.close();
  return { steps, tab, lastSeq };
}

/** The header bell's socket (the Notifications object, hibernating), opened as the page does and answered once. */
export async function openBell(ownerId) {
  const { value } = await call("notificationSocketTicket", ownerId);
  const ws = new WebSocket(`${BASE_URL.replace(/^http/, "ws")}/api/notifications/socket?ticket=${encodeURIComponent(value.ticket)}`);
  const first = new Promise((resolve, reject) => {
    ws.addEventListener("message", (event) => resolve(event.data), { once: true });
    ws.addEventListener("error", () => reject(new Error("the bell's socket failed to open")), { once: true });
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("the bell's socket failed to open")), { once: true });
  });
  ws.send(JSON.stringify({ v: 1, type: "hello" }));
  await first;
  return ws;
}

export async function newChat(ownerId, content = "Hi, I need help finding a tutor") {
  const chat = { ownerId, sessionId: `session-${Date.now()}-${hex(16)}` };
  const first = await sendStep("POST message (creates the chat)", chat, content);
  return { chat, first };
}

/** A bot (or staff) takes a queued message, reads the conversation, answers: 3 web requests on /api/queue/* and /api/conversation. */
export async function botAnswer(chat, messageId, token, tab, { context = true, workerId = "bench-bot" } = {}) {
  const steps = [];
  const claim = await step("POST /api/queue/claim → queueClaim", { web: 1 }, () => call("queueClaim", token, { messageId, workerId, leaseMs: 120_000 }));
  steps.push(claim);
  if (context) {
    steps.push(await step("GET /api/conversation (limit 20) → queueConversation", { web: 1 }, () => call("queueConversation", token, { sessionId: chat.sessionId, limit: 20 })));
  }
  const replyId = `${messageId}:bot-reply`;
  const from = tab?.frames.length ?? 0;
  steps.push(
    await step("POST /api/queue/complete → queueComplete", { web: 1, wsSent: tab ? 1 : 0 }, async () => {
      const done = await call("queueComplete", token, { messageId, leaseId: claim.output.value.leaseId, reply: "Thanks for your message. Someone from the tutoring center will call you tomorrow." });
      if (tab) {
        await tab.waitFor(hasMessage(replyId), { from, what: "the pushed reply" });
        await tab.read();
      }
      return done;
    }),
  );
  return { steps };
}
