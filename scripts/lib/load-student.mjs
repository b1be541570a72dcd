// One simulated student of `npm run load`: their own owner cookie, one chat created the way the
// browser creates it (lib/ids.ts, app/components/use-chat.ts), and M messages, each sent
// once and retried with the same message id the way a browser client should.
import { randomBytes, randomUUID } from "node:crypto";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Statuses a retry can cure: the sidecar or the web worker was briefly away. */
const RETRYABLE = new Set([500, 502, 503, 504]);
const REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF = { firstMs: 250, factor: 2, capMs: 5_000 };
const ANSWER_POLL_MS = 500;

// What students type: greetings, searches the assistant understands (lib/tutoring: subject, day,
// time), browsing, small talk, and now and then a note for the tutoring center. Nothing books.
const GREETINGS = ["hello", "hi there", "good morning", "hey"];
const SEARCHES = [
  "Python on Monday at 10",
  "Calculus on Wednesday afternoon",
  "Spanish on Friday at 11",
  "I need help with Chemistry on Monday at 4pm",
  "Statistics on Tuesday morning",
  "Essay writing on Sunday at 3pm",
  "JavaScript on Thursday at 5pm",
  "French on Tuesday at 10am",
  "Japanese on Thursday evening",
  "Physics on Friday at 2pm",
  "Data structures on Saturday at 10",
  "Economics on Monday",
  "SQL on Wednesday at 3pm",
  "Biology on Wednesday at 4pm",
];
const FOLLOW_UPS = ["show me other tutors", "someone else", "what about Tuesday at 2pm", "different time", "help", "thanks", "go back", "another day"];
const HANDOFF = "leave a message for the tutoring center: could someone email me about exam prep?";

/** A small seeded PRNG (mulberry32), so the same student index types the same script every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Student `index`'s M messages: a greeting, then searches and follow-ups, a fresh start every 7. */
export function scriptFor(index, count) {
  const random = prng(index + 1);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const script = [];
  for (let i = 0; i < count; i++) {
    if (i === 0) script.push(pick(GREETINGS));
    else if (i % 7 === 0) script.push("start over");
    else if (i % 7 === 1) script.push(pick(SEARCHES));
    else if (index % 10 === 3 && i === 5) script.push(HANDOFF);
    // The assistant shows the note back and sends it on a yes.
    else if (index % 10 === 3 && i === 6) script.push("yes");
    else script.push(random() < 0.4 ? pick(SEARCHES) : pick(FOLLOW_UPS));
  }
  return script;
}

/** `session-{epoch ms}-{128-bit hex}`, as lib/ids.ts makes it in the browser. */
function newSessionId() {
  return `session-${Date.now()}-${randomBytes(16).toString("hex")}`;
}

/** Full jitter over an exponential ceiling: 250 ms doubling to 5 s. */
function backoffMs(failures) {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.firstMs * BACKOFF.factor ** failures);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function statusOf(error) {
  return error?.name === "TimeoutError" ? "timeout" : "network";
}

/**
 * Shared by every student: each HTTP outcome with its time, so the run can tell when the fault
 * became visible to clients and when it stopped being so.
 */
export class Observations {
  events = [];
  record(kind, status) {
    this.events.push({ at: Date.now(), kind, status });
  }
}

export class Student {
  cookie = null;
  sessionId = newSessionId();
  /** One entry per message the student meant to send. */
  sends = [];

  /** `center` is the center the student studies at; `baseUrl` its host (`http://<id>.localhost:<port>` for another than the first). */
  constructor({ index, baseUrl, script, budgetMs, thinkMs, external, answerTimeoutMs, observations, onSendStarted, center = "main" }) {
    Object.assign(this, { index, baseUrl, script, budgetMs, thinkMs, external, answerTimeoutMs, observations, onSendStarted, center });
  }

  /** The owner id in the student's owner cookie (`tutor_owner={id}.{signature}`, lib/server/owner-cookie.ts), or null. */
  get ownerId() {
    const match = this.cookie?.match(/^tutor_owner=(.*)$/);
    if (!match) return null;
    const value = decodeURIComponent(match[1]);
    return value.slice(0, value.lastIndexOf("."));
  }

  headers(json) {
    return {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      // A browser's same-origin POST carries Origin; the routes refuse only a foreign one.
      ...(json ? { "content-type": "application/json", origin: this.baseUrl } : {}),
    };
  }

  keepCookie(response) {
    const header = response.headers.get("set-cookie");
    if (header) this.cookie = header.split(";")[0];
  }

  /** The page's first request mints the owner cookie (app/api/health/route.ts); retried until it does. */
  async getCookie() {
    const deadline = Date.now() + this.budgetMs;
    for (let failures = 0; Date.now() < deadline; failures++) {
      try {
        const response = await fetch(`${this.baseUrl}/api/health`, { headers: this.headers(false), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        this.keepCookie(response);
        if (this.cookie) return;
      } catch {
        // not up yet
      }
      await sleep(backoffMs(failures));
    }
    throw new Error(`student ${this.index} got no owner cookie within ${this.budgetMs} ms`);
  }

  async run() {
    await this.getCookie();
    for (const content of this.script) {
      const send = await this.send(content);
      if (send.accepted && this.external) await this.awaitAnswer(send);
      const [min, max] = this.thinkMs;
      await sleep(min + Math.random() * (max - min));
    }
  }

  /**
   * POST /api/chat/session/{id}/messages with a client-made id. Network errors and 5xx are retried
   * with the SAME id (the server is idempotent on it), with backoff and jitter, until the budget is
   * spent; a 429 waits its Retry-After. Any other 4xx is final.
   */
  async send(content) {
    const send = { id: randomUUID(), content, startedAt: Date.now(), attempts: 0, errors: {}, rateLimited: 0, accepted: false };
    this.sends.push(send);
    this.onSendStarted();
    const url = `${this.baseUrl}/api/chat/session/${this.sessionId}/messages`;
    const body = JSON.stringify({ id: send.id, content });
    for (let failures = 0; ; ) {
      send.attempts++;
      send.lastAttemptAt = Date.now();
      let response = null;
      let status;
      try {
        response = await fetch(url, { method: "POST", headers: this.headers(true), body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        status = response.status;
      } catch (error) {
        status = statusOf(error);
      }
      if (response?.ok) {
        this.keepCookie(response);
        const result = await response.json();
        Object.assign(send, { accepted: true, acceptedAt: Date.now(), seq: result.message.seq, replies: result.replies.length });
        send.latencyMs = send.acceptedAt - send.startedAt;
        this.observations.record("ok", status);
        return send;
      }
      let waitMs;
      if (status === 429) {
        send.rateLimited++;
        this.observations.record("rate_limited", status);
        const data = await response.json().catch(() => null);
        const seconds = Number(response.headers.get("retry-after") ?? data?.error?.retryAfterSeconds ?? 1);
        waitMs = seconds * 1_000 + Math.random() * 250;
      } else {
        send.errors[status] = (send.errors[status] ?? 0) + 1;
        this.observations.record("error", status);
        await response?.body?.cancel().catch(() => undefined);
        if (typeof status === "number" && !RETRYABLE.has(status)) {
          send.finalStatus = status;
          return send;
        }
        waitMs = backoffMs(failures++);
      }
      if (Date.now() + waitMs - send.startedAt > this.budgetMs) {
        send.exhausted = true;
        return send;
      }
      await sleep(waitMs);
    }
  }

  /**
   * With BOT_MODE=external the POST only stores and queues the message: the student waits for a
   * bot's answer before typing on, polling `messages?after=` as the page does when its socket is down.
   */
  async awaitAnswer(send) {
    const deadline = Date.now() + this.answerTimeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.baseUrl}/api/chat/session/${this.sessionId}/messages?after=${send.seq}&limit=50`, {
          headers: this.headers(false),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.ok) {
          const page = await response.json();
          if (page.messages.some((message) => message.role === "assistant")) {
            send.answeredAt = Date.now();
            return;
          }
        } else {
          await response.body?.cancel();
        }
      } catch {
        // the socket-down page keeps polling through errors too
      }
      await sleep(ANSWER_POLL_MS);
    }
  }

  /** Every stored message of the chat, read through the API page by page (not from memory). */
  async readStoredMessages() {
    const messages = [];
    let after = 0;
    for (let failures = 0; ; ) {
      let page;
      try {
        const response = await fetch(`${this.baseUrl}/api/chat/session/${this.sessionId}/messages?after=${after}&limit=200`, {
          headers: this.headers(false),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.status === 404 && this.sends.every((send) => !send.accepted)) return messages; // never created
        if (!response.ok) throw new Error(`status ${response.status}`);
        page = await response.json();
      } catch (error) {
        if (++failures > 10) throw new Error(`student ${this.index}: could not read the chat back: ${error.message}`);
        await sleep(backoffMs(failures));
        continue;
      }
      messages.push(...page.messages);
      if (!page.hasMore || page.messages.length === 0) return messages;
      after = page.lastSeq;
    }
  }
}
