// The end-to-end scenarios, one run per bot mode: what each user action
// (exchange, idle tab, reconnect, hand-off, bot poll) costs, counted, and the
// push latency with counting off. See bench/README.md, "End-to-end cost".
import { randomUUID } from "node:crypto";
import os from "node:os";
import { Tab, botAnswer, hasMessage, newChat, openBell, pageOpen, sendStep } from "./e2e-actions.mjs";
import { staffRun } from "./e2e-staff.mjs";
import { TOKENS, call, counters, evict, hex, http, sleep } from "./e2e-stack.mjs";
import { UNIT_KEYS, crossCheck, meanUnits, scenario, step, unitsSince } from "./e2e-units.mjs";
import { percentile, round } from "./report.mjs";

export const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const PINGS = 20;
const MISSED = 10;

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
/** Plain messages: no search, no booking; the assistant answers from the chat's own state and its center's snapshot. */
const PLAIN = ["help", "thanks", "hello"];
const HANDOFF_TEXT = "leave a message for the tutoring center: Can someone call me about calculus tutoring for next week?";

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

/** The queue's own row count of a bot's claim or complete, to check the counted rows against. */
const queueKvStats = (s) => (/claim|complete/.test(s.name) ? s.output?.value?.kvStats : null);

// ---- the two runs --------------------------------------------------------------------------

export async function builtinRun() {
  const ownerId = `owner-${hex(16)}`;
  const notes = [];

  // Cold start: the first requests after a (re)start pay one-off wakes and the per-isolate subject list.
  const warmStart = await counters();
  const warm = await newChat(ownerId);
  await sendStep("warm-up search", warm.chat, "Python on Monday at 10");
  await sendStep("warm-up hand-off", warm.chat, HANDOFF_TEXT);
  const warmHandoff = await sendStep("warm-up hand-off: yes", warm.chat, "Yes");
  await botAnswer(warm.chat, `${warmHandoff.output.id}:handoff`, TOKENS.bot, null, { context: false, workerId: "bench-staff" });
  const coldStart = await unitsSince(warmStart);

  // A new chat's first message (the D1 `chats` row, the object's tables).
  const { chat, first } = await newChat(ownerId);

  // The tab that stays open (its opening is measured below, as a page load on a chat with history).
  let tab = await Tab.connect(chat.sessionId, chat.ownerId);
  await tab.hello(first.output.lastSeq);

  // (a) warm: the object is in memory; the tab gets each exchange pushed and sends a read receipt.
  const warmExchanges = [];
  for (const [i, content] of SCRIPT.entries()) warmExchanges.push(await sendStep(`exchange ${i + 1}: ${content}`, chat, content, tab));

  // (a) plain exchanges in the same chat, still awake: no D1 statement, no object past the chat (bench/e2e-plain.mjs asserts it).
  const plainAwake = [];
  for (const content of PLAIN) plainAwake.push(await sendStep(`plain exchange, awake: ${content}`, chat, content, tab));

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

  // (c) a hand-off: the assistant takes the note from the same message and shows it back; the student's
  // yes queues it; staff claim and answer.
  const handoffAsk = await sendStep("POST message: leave a message for the tutoring center: …", chat, HANDOFF_TEXT, tab);
  const handoffSend = await sendStep("POST message: Yes (sends it)", chat, "Yes", tab);
  const handoffId = `${handoffSend.output.id}:handoff`;
  const staff = await botAnswer(chat, handoffId, TOKENS.bot, tab, { context: false, workerId: "bench-staff" });
  const handoffSteps = [handoffAsk, handoffSend, ...staff.steps];
  await tab.close();

  // A page load the next day: the object is cold (evicted), the chat has history, and the student's bell
  // was opened yesterday (its first socket made its used tickets' table: once per student, not per page open).
  (await openBell(chat.ownerId)).close();
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

  // The cold chat's analytics report: what its alarm does once its hour ends (every message above, one call).
  await http("/bench/analytics-wake", {});
  const chatReport = await step(`chat analytics report (alarm): ${SCRIPT.length + 1} messages`, {}, () => http("/bench/chat-report", { sessionId: cold.chat.sessionId }));

  // (a) plain exchanges in a chat that already exists, each after an eviction: the woken object asks its Center once.
  const plain = await newChat(ownerId);
  const plainWoken = [];
  for (const content of PLAIN) {
    await evict(plain.chat);
    plainWoken.push(await sendStep(`plain exchange, woken: ${content}`, plain.chat, content));
  }

  // The staff console's paths, and one Analytics.record call on its own (bench/e2e-staff.mjs).
  const staffConsole = await staffRun(ownerId);

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

  const problems = crossCheck(staff.steps, queueKvStats);

  return {
    coldStart,
    scenarios: {
      firstMessage: scenario("new chat: its first message (builtin)", [first]),
      pageOpen: scenario("page open (cold object): page, health, state, ticket, upgrade, hello, read", open.steps),
      exchangeWarm: { ...scenario("(a) exchange, object in memory, tab open (builtin)", warmExchanges), mean: meanUnits(warmExchanges) },
      exchangeCold: { ...scenario("(a) exchange after hibernation/eviction (builtin)", coldExchanges), mean: meanUnits(coldExchanges) },
      plainWarm: { ...scenario(`(a) plain exchange (${PLAIN.join(", ")}), object in memory, tab open (builtin)`, plainAwake), mean: meanUnits(plainAwake) },
      plainCold: { ...scenario(`(a) plain exchange (${PLAIN.join(", ")}) after eviction (builtin)`, plainWoken), mean: meanUnits(plainWoken) },
      chatReport: scenario("a chat's analytics report from its alarm (one Analytics.recordBatch)", [chatReport]),
      handoff: scenario("(c) hand-off: the note, then staff claim + complete", handoffSteps),
      idleTab: scenario(`(d) idle tab: ${PINGS} keep-alive pings`, [idle]),
      reconnect: { ...scenario(`(e) reconnect after ${missed} missed messages`, reconnectSteps), missed, resumed: reconnectSteps[1].output },
      ...staffConsole,
    },
    storage,
    verify,
    crossCheck: problems,
    latency,
    notes,
  };
}

export async function externalRun() {
  const ownerId = `owner-${hex(16)}`;
  const warmStart = await counters();
  const warm = await newChat(ownerId);
  await botAnswer(warm.chat, warm.first.output.id, TOKENS.bot, null);
  const coldStart = await unitsSince(warmStart);

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
  const problems = crossCheck(allBotSteps, queueKvStats);
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
