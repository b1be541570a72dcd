// The end-to-end section of `npm run bench`: the real sidecar (bench/e2e-sidecar.ts
// around workers/sidecar.ts) under wrangler dev, driven the way a browser, the web
// worker and a bot drive it, with every Durable Object call, SQLite row, D1 row and
// WebSocket frame counted per user action. See bench/README.md, "End-to-end cost".
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { start, stop, waitForHttp } from "../scripts/lib/processes.mjs";
import { PRICES, SCENARIO, SEED, monthlyCost } from "./cost-model.mjs";
import { amount, grid, money, percentile } from "./report.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");
const CONFIG_FILE = "bench/e2e-wrangler.toml";
export const E2E_PORT = Number(process.env.BENCH_E2E_PORT ?? 8792);
const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
const PERSIST_TO = path.join(ROOT, ".wrangler/bench-e2e-state");
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const PINGS = 20;
const MISSED = 10;
const hex = (bytes) => randomBytes(bytes).toString("hex");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a student types in one sitting: searches (D1 catalog reads), browsing, small talk. No booking. */
const SCRIPT = [
  "Python on Monday at 10",
  "show me other tutors",
  "what about Tuesday at 2pm",
  "help",
  "thanks",
  "Calculus on Wednesday afternoon",
  "someone else",
  "start over",
  "Spanish on Friday at 11",
  "thanks",
];
const HANDOFF_TEXT = "leave a message for the tutoring center: Can someone call me about calculus tutoring for next week?";

// ---- talking to the bench sidecar -------------------------------------------------------

async function http(pathname, body) {
  const response = await fetch(`${BASE_URL}${pathname}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(`${pathname} -> ${response.status} ${JSON.stringify(data)}`);
  return data;
}

/** One RPC call of the real entrypoint, as the web worker makes it; a refused Result is a bench failure. */
async function call(method, ...args) {
  const { result, ms } = await http("/bench/call", { method, args });
  if (typeof result !== "object" || result === null) return { value: result, ms }; // ping() answers "pong", not a Result
  if (!result.ok) throw new Error(`${method} refused: ${JSON.stringify(result.error ?? result)}`);
  return { value: result.value, ms };
}

const counters = () => http("/bench/counters");

/** after - before, for every number in the (nested) snapshot. */
function diff(after, before = {}) {
  if (typeof after === "number") return after - (typeof before === "number" ? before : 0);
  if (typeof after !== "object" || after === null) return after;
  const out = {};
  for (const [key, value] of Object.entries(after)) out[key] = diff(value, before?.[key]);
  return out;
}

const sum = (values) => values.reduce((total, value) => total + value, 0);
const sumOf = (record, pick = (v) => v) => sum(Object.values(record ?? {}).map(pick));

/** A counter delta as the billing units of one step. */
function unitsOf(delta) {
  const calls = {};
  for (const [cls, methods] of Object.entries(delta.doCalls ?? {})) {
    for (const [method, n] of Object.entries(methods)) if (n) calls[`${cls}.${method}`] = n;
  }
  const d1 = Object.values(delta.d1 ?? {});
  const d1InObjects = Object.entries(delta.d1 ?? {}).filter(([origin]) => origin !== "entrypoint").map(([, tally]) => tally);
  return {
    doCalls: sumOf(calls),
    calls,
    alarmRuns: sumOf(delta.alarmRuns),
    wsHandled: delta.wsHandled ?? 0,
    doRowsRead: sumOf(delta.doRows, (rows) => rows.reads),
    // setAlarm/deleteAlarm: billed as one row written each.
    doRowsWritten: sumOf(delta.doRows, (rows) => rows.writes) + sumOf(delta.alarmWrites),
    alarmWrites: sumOf(delta.alarmWrites),
    d1Queries: sum(d1.map((tally) => tally.queries)),
    d1QueriesInObjects: sum(d1InObjects.map((tally) => tally.queries)),
    d1RowsRead: sum(d1.map((tally) => tally.rowsRead)),
    d1RowsWritten: sum(d1.map((tally) => tally.rowsWritten)),
    doActiveMs: sumOf(delta.doCallMs),
    sidecarCalls: sumOf(delta.sidecarRpc) + (delta.sidecarFetch ?? 0),
    d1Uncounted: delta.d1Uncounted ?? 0,
  };
}

const UNIT_KEYS = [
  "webRequests", "sidecarCalls", "doCalls", "alarmRuns", "wsHandled", "wsPings", "doRowsRead", "doRowsWritten", "alarmWrites",
  "d1Queries", "d1QueriesInObjects", "d1RowsRead", "d1RowsWritten", "doActiveMs", "d1Uncounted",
];

function addUnits(into, units) {
  for (const key of UNIT_KEYS) into[key] = (into[key] ?? 0) + (units[key] ?? 0);
  for (const [name, n] of Object.entries(units.calls ?? {})) (into.calls ??= {})[name] = (into.calls[name] ?? 0) + n;
  return into;
}

function meanUnits(list) {
  const total = list.reduce((acc, units) => addUnits(acc, units), {});
  const mean = {};
  for (const key of UNIT_KEYS) mean[key] = Number(((total[key] ?? 0) / list.length).toFixed(3));
  mean.calls = Object.fromEntries(Object.entries(total.calls ?? {}).map(([name, n]) => [name, Number((n / list.length).toFixed(3))]));
  return mean;
}

/**
 * One user-level action. `web` is how many Worker requests a browser (or bot)
 * makes for it through the web worker; `wsSent` the frames it sends on its
 * socket, `pings` those that are keep-alive pings. Everything else is counted.
 */
async function step(name, browser, work) {
  const before = await counters();
  const output = await work();
  const after = await counters();
  const units = unitsOf(diff(after, before));
  return { name, webRequests: browser.web ?? 0, wsSent: browser.wsSent ?? 0, wsPings: browser.pings ?? 0, ...units, output };
}

function scenario(name, steps, notes) {
  const totals = steps.reduce((acc, s) => addUnits(acc, s), {});
  totals.wsSent = sum(steps.map((s) => s.wsSent));
  return { name, notes, totals, steps: steps.map(({ output: _output, ...rest }) => rest) };
}

// ---- a browser tab's socket ------------------------------------------------------------

class Tab {
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

const hasMessage = (id) => (f) => f.type === "messages" && f.messages.some((m) => m.id === id);

// ---- the actions, as a browser / the web worker / a bot perform them ------------------

/** POST /api/chat/session/{id}/messages: 1 web request → sendMessage over the binding; the tab gets the push and reports it read. */
async function sendStep(name, chat, content, tab) {
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
async function pageOpen(chat) {
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
  return { steps, tab, lastSeq };
}

async function newChat(ownerId, content = "Hi, I need help finding a tutor") {
  const chat = { ownerId, sessionId: `session-${Date.now()}-${hex(16)}` };
  const first = await sendStep("POST message (creates the chat)", chat, content);
  return { chat, first };
}

const evict = (chat) => http("/bench/evict", { sessionId: chat.sessionId });

/** A bot (or staff) takes a queued message, reads the conversation, answers: 3 web requests on /api/queue/* and /api/conversation. */
async function botAnswer(chat, messageId, token, tab, { context = true, workerId = "bench-bot" } = {}) {
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

/** Do the counts add up? The queue reports the exact rows of each call (kvStats); the registry must agree. */
function crossCheck(steps, kvOf) {
  const problems = [];
  for (const s of steps) {
    const kv = kvOf(s);
    if (!kv) continue;
    if (kv.reads !== s.doRowsRead || kv.writes !== s.doRowsWritten - s.alarmWrites) {
      problems.push(`${s.name}: kvStats r${kv.reads}/w${kv.writes} vs counted r${s.doRowsRead}/w${s.doRowsWritten - s.alarmWrites}`);
    }
  }
  return problems;
}

// ---- latency -----------------------------------------------------------------------------

function cpuTimes() {
  return os.cpus().reduce(
    (acc, cpu) => {
      const busy = cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
      return { busy: acc.busy + busy, total: acc.total + busy + cpu.times.idle };
    },
    { busy: 0, total: 0 },
  );
}

/**
 * Push latency: a message POSTed (sendMessage) while a second tab is
 * connected; the time from the call to that tab receiving the frame with it.
 * Counting is off, so the wrappers only pass calls through.
 */
async function pushLatency(chat, content, samples) {
  const sender = await Tab.connect(chat.sessionId, chat.ownerId);
  const other = await Tab.connect(chat.sessionId, chat.ownerId);
  const state = await call("getState", chat.sessionId, chat.ownerId);
  await sender.hello(state.value.lastSeq);
  await other.hello(state.value.lastSeq);
  await http("/bench/counting", { on: false });
  const cpuBefore = cpuTimes();
  const loadBefore = os.loadavg();
  const started = Date.now();
  const push = [];
  const rpc = [];
  try {
    for (let i = 0; i < samples + 5; i++) {
      const id = randomUUID();
      const from = other.frames.length;
      const t0 = performance.now();
      const sent = call("sendMessage", chat.sessionId, chat.ownerId, { id, content: typeof content === "function" ? content(i) : content });
      await other.waitFor(hasMessage(id), { from, what: `push ${i}` });
      const t1 = performance.now();
      await sent;
      const t2 = performance.now();
      if (i >= 5) {
        // The first five warm the path; they are not samples.
        push.push(t1 - t0);
        rpc.push(t2 - t0);
      }
    }
  } finally {
    await http("/bench/counting", { on: true });
    await sender.close();
    await other.close();
  }
  const cpuAfter = cpuTimes();
  const stats = (values) => ({ p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), p99: round(percentile(values, 99)), max: round(Math.max(...values)) });
  return {
    samples: push.length,
    pushMs: stats(push),
    callMs: stats(rpc),
    seconds: round((Date.now() - started) / 1000, 1),
    machine: {
      cpus: os.cpus().length,
      loadavgBefore: loadBefore.map((v) => round(v)),
      loadavgAfter: os.loadavg().map((v) => round(v)),
      cpuBusyPercent: round((100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total), 1),
    },
  };
}

const round = (value, digits = 2) => (value === null || value === undefined ? value : Number(value.toFixed(digits)));

// ---- the two runs --------------------------------------------------------------------------

async function builtinRun() {
  const ownerId = `owner-${hex(16)}`;
  const notes = [];

  // Cold start: the first requests after a (re)start pay one-off wakes and the per-isolate subject list.
  const warmStart = await counters();
  const warm = await newChat(ownerId);
  await sendStep("warm-up search", warm.chat, "Python on Monday at 10");
  const warmHandoff = await sendStep("warm-up hand-off", warm.chat, HANDOFF_TEXT);
  await botAnswer(warm.chat, `${warmHandoff.output.id}:handoff`, TOKENS.bot, null, { context: false, workerId: "bench-staff" });
  const coldStart = unitsOf(diff(await counters(), warmStart));

  // A new chat's first message (the D1 `chats` row, the object's tables).
  const { chat, first } = await newChat(ownerId);

  // The tab that stays open (its opening is measured below, as a page load on a chat with history).
  let tab = await Tab.connect(chat.sessionId, chat.ownerId);
  await tab.hello(first.output.lastSeq);

  // (a) warm: the object is in memory; the tab gets each exchange pushed and sends a read receipt.
  const warmExchanges = [];
  for (const [i, content] of SCRIPT.entries()) warmExchanges.push(await sendStep(`exchange ${i + 1}: ${content}`, chat, content, tab));

  // (d) an idle tab: keep-alive pings, answered "pong" by the runtime without waking the object.
  const idle = await step(`${PINGS} keep-alive pings`, { wsSent: PINGS, pings: PINGS }, async () => {
    const from = tab.frames.length;
    for (let i = 0; i < PINGS; i++) tab.send("ping");
    await tab.waitFor(() => tab.frames.slice(from).filter((f) => f === "pong").length >= PINGS, { from, what: `${PINGS} pongs` });
    return tab.frames.slice(from).filter((f) => f === "pong").length;
  });
  if (idle.output !== PINGS) notes.push(`idle: ${idle.output} pongs for ${PINGS} pings`);
  // Pings must move no counter but the frames sent: no handler, no call, no row.
  const moved = UNIT_KEYS.filter((key) => key !== "wsPings" && idle[key] !== 0);
  if (moved.length) notes.push(`idle: pings moved ${moved.map((key) => `${key}=${idle[key]}`).join(", ")}`);

  // (e) reconnect after missing 10 messages (5 exchanges of one reply each, sent from another device).
  const cursor = tab.cursor;
  await tab.close();
  await sleep(300);
  for (let i = 0; i < MISSED / 2; i++) await call("sendMessage", chat.sessionId, chat.ownerId, { id: randomUUID(), content: "help" });
  const stateNow = await call("getState", chat.sessionId, chat.ownerId);
  const missed = stateNow.value.lastSeq - cursor;
  const reconnectSteps = [];
  reconnectSteps.push(await step("POST socket-ticket → issueSocketTicket, GET …/socket (upgrade)", { web: 2 }, async () => (tab = await Tab.connect(chat.sessionId, chat.ownerId))));
  reconnectSteps.push(
    await step(`hello (after = seq ${cursor}, ${missed} missed)`, { wsSent: 1 }, async () => {
      const frames = await tab.hello(cursor);
      return frames.filter((f) => f.type === "messages").reduce((n, f) => n + f.messages.length, 0);
    }),
  );
  reconnectSteps.push(await step("read receipt", { wsSent: 1 }, () => tab.read()));
  if (reconnectSteps[1].output !== missed) notes.push(`reconnect: ${reconnectSteps[1].output} messages resumed for ${missed} missed`);

  // (c) a hand-off: the assistant takes the note in the same message and queues it; staff claim and answer.
  const handoffSend = await sendStep("POST message: leave a message for the tutoring center: …", chat, HANDOFF_TEXT, tab);
  const handoffId = `${handoffSend.output.id}:handoff`;
  const staff = await botAnswer(chat, handoffId, TOKENS.bot, tab, { context: false, workerId: "bench-staff" });
  const handoffSteps = [handoffSend, ...staff.steps];
  await tab.close();

  // A page load the next day: the object is cold (evicted), the chat has history.
  await evict(chat);
  const open = await pageOpen(chat);
  await open.tab.close();

  // (a) cold: the object was dropped from memory before each message, as hibernation does after 10 idle seconds.
  const cold = await newChat(ownerId);
  const coldExchanges = [];
  for (const [i, content] of SCRIPT.entries()) {
    await evict(cold.chat);
    coldExchanges.push(await sendStep(`cold exchange ${i + 1}: ${content}`, cold.chat, content));
  }

  const verify = await http("/bench/verify");
  const latency = await pushLatency(chat, "help", LATENCY_SAMPLES);

  // Storage: a chat's SQLite size after its first exchange, and per message after that (the latency run made it long).
  const mainSize = await http("/bench/storage", { sessionId: chat.sessionId });
  const coldState = await call("getState", cold.chat.sessionId, ownerId);
  const coldSize = await http("/bench/storage", { sessionId: cold.chat.sessionId });
  const mainState = await call("getState", chat.sessionId, ownerId);
  const probe = await newChat(ownerId);
  const probeSize = await http("/bench/storage", { sessionId: probe.chat.sessionId });
  const storage = {
    firstExchangeBytes: probeSize.bytes,
    firstExchangeMessages: probe.first.output.lastSeq,
    chats: [
      { messages: mainState.value.lastSeq, bytes: mainSize.bytes },
      { messages: coldState.value.lastSeq, bytes: coldSize.bytes },
    ],
  };
  const biggest = storage.chats.reduce((a, b) => (b.messages > a.messages ? b : a));
  storage.bytesPerMessage = round((biggest.bytes - storage.firstExchangeBytes) / Math.max(1, biggest.messages - storage.firstExchangeMessages), 1);

  const problems = crossCheck(staff.steps, (s) => (/claim|complete/.test(s.name) ? s.output?.value?.kvStats : null));

  return {
    coldStart,
    scenarios: {
      firstMessage: scenario("new chat: its first message (builtin)", [first]),
      pageOpen: scenario("page open (cold object): page, health, state, ticket, upgrade, hello, read", open.steps),
      exchangeWarm: { ...scenario("(a) exchange, object in memory, tab open (builtin)", warmExchanges), mean: meanUnits(warmExchanges) },
      exchangeCold: { ...scenario("(a) exchange after hibernation/eviction (builtin)", coldExchanges), mean: meanUnits(coldExchanges) },
      handoff: scenario("(c) hand-off: the note, then staff claim + complete", handoffSteps),
      idleTab: scenario(`(d) idle tab: ${PINGS} keep-alive pings`, [idle]),
      reconnect: { ...scenario(`(e) reconnect after ${missed} missed messages`, reconnectSteps), missed, resumed: reconnectSteps[1].output },
    },
    storage,
    verify,
    crossCheck: problems,
    latency,
    notes,
  };
}

async function externalRun() {
  const ownerId = `owner-${hex(16)}`;
  const warmStart = await counters();
  const warm = await newChat(ownerId);
  await botAnswer(warm.chat, warm.first.output.id, TOKENS.bot, null);
  const coldStart = unitsOf(diff(await counters(), warmStart));

  const { chat, first } = await newChat(ownerId);
  const firstAnswer = await botAnswer(chat, first.output.id, TOKENS.bot, null);
  const tab = await Tab.connect(chat.sessionId, chat.ownerId);
  await tab.hello((await call("getState", chat.sessionId, ownerId)).value.lastSeq);

  // (b) warm: the student's message, then the bot's claim, context read and complete; the tab sees both and reads each.
  const warmExchanges = [];
  const allBotSteps = [...firstAnswer.steps];
  for (const [i, content] of SCRIPT.slice(0, 5).entries()) {
    const send = await sendStep(`send ${i + 1}`, chat, content, tab);
    const bot = await botAnswer(chat, send.output.id, TOKENS.bot, tab);
    allBotSteps.push(...bot.steps);
    warmExchanges.push(scenario(`exchange ${i + 1}`, [send, ...bot.steps]));
  }
  await tab.close();

  // (b) cold: the chat's object was dropped before the student's message (the queue stays busy, so awake).
  const cold = await newChat(ownerId);
  await botAnswer(cold.chat, cold.first.output.id, TOKENS.bot, null);
  const coldExchanges = [];
  for (const [i, content] of SCRIPT.slice(0, 5).entries()) {
    await evict(cold.chat);
    const send = await sendStep(`cold send ${i + 1}`, cold.chat, content);
    const bot = await botAnswer(cold.chat, send.output.id, TOKENS.bot, null);
    allBotSteps.push(...bot.steps);
    coldExchanges.push(scenario(`cold exchange ${i + 1}`, [send, ...bot.steps]));
  }

  // The bot's idle poll (claim-next on an empty queue): the external mode's fixed cost.
  const polls = [];
  for (let i = 0; i < 10; i++) polls.push(await step("POST /api/queue/claim-next (empty)", { web: 1 }, () => call("queueClaimNext", TOKENS.bot, { workerId: "bench-bot" })));
  const stillPending = polls.filter((p) => p.output.value.lease !== null).length;

  const verify = await http("/bench/verify");
  const problems = crossCheck(allBotSteps, (s) => (/claim|complete/.test(s.name) ? s.output?.value?.kvStats : null));
  const latency = await pushLatency(chat, (i) => `latency probe ${i}`, LATENCY_SAMPLES);

  const exchangeScenario = (name, list) => ({ name, totals: meanUnits(list.map((s) => s.totals)), steps: list[0].steps, samples: list.length, mean: meanUnits(list.map((s) => s.totals)) });
  return {
    coldStart,
    scenarios: {
      firstMessage: scenario("new chat: its first message, then the bot's answer (external)", [first, ...firstAnswer.steps]),
      exchangeWarm: exchangeScenario("(b) exchange: send, bot claim + context + complete, tab open (external)", warmExchanges),
      exchangeCold: exchangeScenario("(b) exchange after hibernation/eviction (external)", coldExchanges),
      botIdlePoll: { ...scenario("bot idle poll: claim-next on an empty queue", polls), mean: meanUnits(polls) },
    },
    verify,
    crossCheck: problems,
    latency,
    notes: stillPending ? [`${stillPending} idle polls found work`] : [],
  };
}

// ---- processes ----------------------------------------------------------------------------

const TOKENS = { internal: `bench-internal-${hex(16)}`, bot: `bench-bot-${hex(16)}` };

function wranglerEnv(registry) {
  return { WRANGLER_SEND_METRICS: "false", WRANGLER_REGISTRY_PATH: registry };
}

async function runWrangler(args, registry) {
  await promisify(execFile)(WRANGLER, args, { cwd: ROOT, env: { ...process.env, ...wranglerEnv(registry) }, maxBuffer: 64 * 1024 * 1024 });
}

/** The catalog seed, rendered the way scripts/seed-catalog.mjs does it, into our own file and database. */
async function seedCatalog(dir, registry) {
  const bundle = await build({
    stdin: {
      contents: `export { SEED_TUTORS } from "./lib/tutoring/catalog-data.ts";
                 export { catalogSeedStatements, renderSeedSql } from "./lib/db/catalog-seed.ts";`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  const seed = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`);
  const file = path.join(dir, "seed-catalog.sql");
  await writeFile(file, seed.renderSeedSql(seed.catalogSeedStatements(seed.SEED_TUTORS)));
  await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", PERSIST_TO, "-c", CONFIG_FILE, "--file", file], registry);
  return seed.SEED_TUTORS.length;
}

/** The worker of the phase in progress, so run.mjs can stop it on Ctrl-C. */
let running = null;

export async function stopEndToEndWorker() {
  await stop(running);
}

function startWorker(bundleDir, botMode, registry, log) {
  const args = [
    "dev", path.join(bundleDir, "e2e-sidecar.js"), "--no-bundle", "-c", CONFIG_FILE, "--port", String(E2E_PORT), "--ip", "127.0.0.1",
    "--inspector-port", "0", "--persist-to", PERSIST_TO, "--show-interactive-dev-session=false", "--log-level", "warn",
    "--var", `BOT_MODE:${botMode}`, "--var", `INTERNAL_KEY:${TOKENS.internal}`, "--var", `BOT_TOKEN:${TOKENS.bot}`,
  ];
  const worker = start(`bench-e2e-${botMode}`, WRANGLER, args, { quiet: true, env: wranglerEnv(registry) });
  running = worker;
  for (const stream of [worker.stdout, worker.stderr]) {
    stream.on("data", (chunk) => log.push(...String(chunk).split("\n").filter((line) => line.trim() && !/Request\.cf|getaddrinfo|GetAddrInfo|callbackTrampoline/.test(line))) && log.splice(0, Math.max(0, log.length - 60)));
  }
  worker.once("exit", (code, signal) => log.push(`[bench-e2e] wrangler dev (${botMode}) exited: code ${code}, signal ${signal}`));
  return worker;
}

async function withWorker(botMode, bundleDir, registry, log, run) {
  for (let attempt = 1; ; attempt++) {
    const worker = startWorker(bundleDir, botMode, registry, log);
    try {
      await waitForHttp(`${BASE_URL}/bench/health`, { timeoutMs: 90_000, accept: (response) => response.ok });
      const health = await http("/bench/health");
      if (health.botMode !== botMode) throw new Error(`the worker runs BOT_MODE=${health.botMode}, not ${botMode}`);
      return { ...(await run()), attempts: attempt };
    } catch (error) {
      await sleep(500);
      const killed = worker.exitCode !== null || worker.signalCode !== null;
      if (!killed || attempt === 3) throw error;
      console.log(`\nThe e2e worker (${botMode}) went away mid-run (${log.at(-1)}); starting it again, attempt ${attempt + 1} of 3.`);
    } finally {
      await stop(worker);
    }
  }
}

/** Bundles the bench sidecar, prepares a fresh D1 (migrations + catalog), runs the builtin and then the external mode. */
export async function runEndToEnd() {
  const answered = await fetch(`${BASE_URL}/bench/health`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
  if (answered) throw new Error(`port ${E2E_PORT} is already taken; stop whatever runs there first (or set BENCH_E2E_PORT)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-e2e-"));
  // A private dev registry, outside the bundle's folder: wrangler dev --no-bundle watches that folder and would reload on registry writes.
  const registry = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-e2e-registry-"));
  const log = [];
  const startedAt = Date.now();
  try {
    process.stdout.write(`Bundling the e2e sidecar and preparing its D1 (${path.relative(ROOT, PERSIST_TO)})... `);
    await runWrangler(["deploy", "--dry-run", "-c", CONFIG_FILE, "--outdir", dir], registry);
    await rm(PERSIST_TO, { recursive: true, force: true });
    await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST_TO, "-c", CONFIG_FILE], registry);
    const tutors = await seedCatalog(dir, registry);
    console.log(`${tutors} tutors seeded`);

    process.stdout.write(`Measuring BOT_MODE=builtin on :${E2E_PORT} (scenarios, then ${LATENCY_SAMPLES} push-latency samples)... `);
    let phaseStart = Date.now();
    const builtin = await withWorker("builtin", dir, registry, log, builtinRun);
    console.log(`${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);

    process.stdout.write(`Measuring BOT_MODE=external on :${E2E_PORT}... `);
    phaseStart = Date.now();
    const external = await withWorker("external", dir, registry, log, externalRun);
    console.log(`${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
    return { builtin, external, seconds: round((Date.now() - startedAt) / 1000, 1) };
  } catch (error) {
    error.workerLog = log.join("\n");
    throw error;
  } finally {
    await Promise.all([dir, registry].map((folder) => rm(folder, { recursive: true, force: true })));
  }
}

// ---- results ------------------------------------------------------------------------------

/** The measurements, the month they imply for seed 002's scenario, and the comparison: results.json's `endToEnd`. */
export function summarizeEndToEnd(raw) {
  const builtin = monthlyCost(raw, "builtin");
  const external = monthlyCost(raw, "external");
  const design = (name, month) => ({
    design: name,
    marginal: month.total.marginal,
    withPlan: month.total.withPlan,
    counts: {
      doRequests: month.units.doRequests,
      workerRequests: month.units.workerRequests,
      doRowsRead: month.units.doRowsRead,
      doRowsWritten: month.units.doRowsWritten,
      d1RowsRead: month.units.d1RowsRead,
      d1RowsWritten: month.units.d1RowsWritten,
      doStorageGb: month.units.doStorageGb,
      doGbSeconds: month.units.doGbSeconds,
    },
  });
  const strip = ({ latency: _latency, ...rest }) => rest;
  return {
    metadata: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      port: E2E_PORT,
      seconds: raw.seconds,
      attempts: { builtin: raw.builtin.attempts, external: raw.external.attempts },
      notes:
        "Per-action units are counted from the real sidecar code (bench/e2e-sidecar.ts): doCalls = RPC calls + fetches on Durable Object stubs; " +
        "doRows* = the objects' own rowCounts() (+1 row written per setAlarm/deleteAlarm); d1Rows* = D1 meta.rows_read/rows_written; " +
        "webRequests = requests a browser or bot makes to the web worker (by definition of each step); sidecarCalls = the resulting service-binding calls (counted); " +
        "wsHandled = incoming WebSocket frames that reached webSocketMessage(); doActiveMs = the callers' wait on Durable Object calls (local).",
    },
    prices: PRICES,
    assumptions: SCENARIO,
    measured: { builtin: strip(raw.builtin), external: strip(raw.external) },
    monthly: { builtin, external },
    comparison: [
      { design: "seed 002 before (scan every conversation)", marginal: SEED.before.monthly, withPlan: null, basis: SEED.before.basis, counts: SEED.before.counts },
      { design: "seed 002 after (in-memory queue)", marginal: SEED.after.monthly, withPlan: null, basis: SEED.after.basis, counts: SEED.after.counts },
      design("this design, BOT_MODE=builtin", builtin),
      design("this design, BOT_MODE=external (+ bot polling every 3 s)", external),
    ],
    latency: { builtin: raw.builtin.latency, external: raw.external.latency },
  };
}

const rw = (read, written) => `${amount(read)} / ${amount(written)}`;

/** Prints the per-action table, the month, the comparison and the latency. */
export function printEndToEnd(e2e) {
  const { builtin, external } = e2e.measured;
  const row = (label, scenario) => {
    const t = scenario.mean ?? scenario.totals;
    return [label, amount(t.webRequests), amount(t.sidecarCalls), amount(t.doCalls + t.alarmRuns), amount(t.wsHandled), amount(t.wsPings), rw(t.doRowsRead, t.doRowsWritten), rw(t.d1RowsRead, t.d1RowsWritten), amount(t.doActiveMs)];
  };
  const b = builtin.scenarios;
  const x = external.scenarios;
  console.log("\nEnd-to-end, per user action (real sidecar code; counted, not estimated):\n");
  console.log(
    grid(
      ["action", "web req", "svc calls", "DO calls", "WS in", "pings", "DO rows r / w", "D1 rows r / w", "DO ms"],
      [
        row("builtin: first message of a new chat", b.firstMessage),
        row(`(a) builtin exchange, object awake (mean of ${b.exchangeWarm.steps.length})`, b.exchangeWarm),
        row(`(a) builtin exchange, object woken (mean of ${b.exchangeCold.steps.length})`, b.exchangeCold),
        row(`(b) external exchange, awake (mean of ${x.exchangeWarm.samples})`, x.exchangeWarm),
        row(`(b) external exchange, woken (mean of ${x.exchangeCold.samples})`, x.exchangeCold),
        row("(c) hand-off: note + staff claim/complete", b.handoff),
        row(`(d) idle tab: ${b.idleTab.totals.wsPings} pings (= 10 min)`, b.idleTab),
        row(`(e) reconnect, ${b.reconnect.missed} missed messages`, b.reconnect),
        row("page open (object woken)", b.pageOpen),
        row("external: bot idle poll (claim-next)", x.botIdlePoll),
      ],
    ),
  );
  console.log(
    "web req = requests to the web worker (a POST = 1; billed); svc calls = its service-binding calls to the sidecar (counted; not billed); " +
      "DO calls = RPC calls + fetches on Durable Object stubs (+ alarms); WS in = incoming frames the object handled (billed 20:1); " +
      "pings = auto-answered keep-alives (no handler ran); DO ms = time callers waited on objects, locally.",
  );

  const perHourPings = 3600 / SCENARIO.pingEverySeconds;
  console.log(`Idle tab for one hour: ${perHourPings} pings, 0 DO calls, 0 rows, 0 handler runs (measured ${b.idleTab.totals.wsPings}; every counter but pings stayed 0).`);

  const month = (m) => m.events.map((e) => `${amount(e.count)} ${e.name}`).join(", ");
  console.log(`\nSeed 002's month (${SCENARIO.students.toLocaleString("en-US")} students × ${SCENARIO.exchangesPerDay * SCENARIO.messagesPerExchange} messages/day = ${SCENARIO.exchangesPerDay} exchanges, ${SCENARIO.days} days, tabs open ${SCENARIO.tabHoursPerDay} h/day):`);
  console.log(`  builtin: ${month(e2e.monthly.builtin)}`);
  console.log(`  external adds: ${amount(e2e.monthly.external.events.at(-1).count)} bot idle polls (one per ${SCENARIO.botPollSeconds} s)\n`);
  const lines = e2e.monthly.builtin.lines.map((line, i) => {
    const ext = e2e.monthly.external.lines[i];
    return [line.name, amount(line.quantity), money(line.marginal), money(line.beyondIncluded), amount(ext.quantity), money(ext.marginal), money(ext.beyondIncluded)];
  });
  const total = (m) => [money(m.total.marginal), `${money(m.total.withPlan)} total`];
  lines.push(["total (beyond-included column: + $5 plan)", "", ...total(e2e.monthly.builtin), "", ...total(e2e.monthly.external)]);
  const worst = (m) => [money(m.totalIfPingsBilled.marginal), `${money(m.totalIfPingsBilled.withPlan)} total`];
  lines.push(["same, if auto-answered pings were billed 20:1", "", ...worst(e2e.monthly.builtin), "", ...worst(e2e.monthly.external)]);
  console.log(grid(["item", "builtin: per month", "marginal", "beyond included", "external: per month", "marginal", "beyond included"], lines));
  console.log("marginal = every unit at list price, no allowances, no minimum (how the seed priced); beyond included = usage over the Workers Paid allowances.\n");

  console.log(
    grid(
      ["design", "marginal $/month", "with $5 plan", "DO requests", "Worker requests", "DO rows read", "DO rows written", "D1 rows r / w"],
      e2e.comparison.map((c) => [
        c.design,
        money(c.marginal),
        money(c.withPlan),
        amount(c.counts.doRequests),
        amount(c.counts.workerRequests),
        amount(c.counts.doRowsRead ?? c.counts.rowsRead ?? c.counts.storageReads),
        amount(c.counts.doRowsWritten ?? c.counts.rowsWritten),
        c.counts.d1RowsRead === undefined ? "-" : rw(c.counts.d1RowsRead, c.counts.d1RowsWritten),
      ]),
    ),
  );
  const target = e2e.monthly.builtin.total;
  console.log(`Target ≤ $5/month: builtin ${money(target.marginal)} marginal, ${money(target.withPlan)} with the plan minimum (everything within its allowances ⇒ exactly the $5 minimum).`);

  console.log("\nPush latency: sendMessage while a second tab is connected, call → frame at the other tab (counting off):\n");
  const lat = (mode, l) => [mode, l.samples, l.pushMs.p50, l.pushMs.p95, l.pushMs.p99, l.pushMs.max, l.callMs.p50, `${l.machine.loadavgBefore[0]} → ${l.machine.loadavgAfter[0]}`, `${l.machine.cpuBusyPercent}%`];
  console.log(
    grid(
      ["mode", "samples", "p50 ms", "p95 ms", "p99 ms", "max ms", "call p50 ms", "load (1 min)", "CPU busy"],
      [lat("builtin (push after the assistant's turn)", e2e.latency.builtin), lat("external (push of the stored question)", e2e.latency.external)],
    ),
  );
  console.log(`Machine: ${e2e.metadata.cpus} cores, shared; load = 1-minute load average before → after; CPU busy = all cores over the run (wrangler, workerd, this script and whatever else runs).`);

  for (const [mode, m] of Object.entries(e2e.measured)) {
    const checks = [`verify: ${m.verify.objects} objects' rowCounts() over RPC ${m.verify.mismatches.length === 0 ? "equal the registry" : `DIFFER: ${JSON.stringify(m.verify.mismatches)}`}`];
    checks.push(m.crossCheck.length === 0 ? "queue kvStats = counted rows on every claim/complete" : `kvStats mismatch: ${m.crossCheck.join("; ")}`);
    console.log(`Checks (${mode}): ${checks.join("; ")}${m.notes.length ? `; notes: ${m.notes.join("; ")}` : ""}.`);
  }
}
