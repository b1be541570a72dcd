// The monthly cost of seed 002's scenario from the end-to-end measurements
// (bench/e2e-scenarios.mjs): prices, the scenario's assumptions, and the arithmetic.
// Every number that is not measured is here, with where it comes from.
import { round } from "./report.mjs";

/**
 * Cloudflare's published prices (Workers Paid / Standard usage model), read
 * in November 2026 from the pages below. "included" is the monthly allowance
 * of the $5 plan; the DO SQLite and D1 row allowances are separate products.
 */
export const PRICES = {
  sources: {
    workers: "https://developers.cloudflare.com/workers/platform/pricing/",
    durableObjects: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
    d1: "https://developers.cloudflare.com/d1/platform/pricing/",
    websocketRatio: "https://developers.cloudflare.com/durable-objects/platform/changelog/ (2024-04-01: 20:1 for incoming WebSocket messages)",
  },
  planMinimum: 5.0,
  workers: {
    requestsPerMillion: 0.3,
    includedRequests: 10_000_000,
    cpuMsPerMillion: 0.02,
    includedCpuMs: 30_000_000,
    // "Requests made from your Worker to another worker via a Service Binding do not incur additional request fees."
    serviceBindingCallsBilled: false,
    // "WebSocket messages routed through a Worker do not count as requests."
  },
  durableObjects: {
    requestsPerMillion: 0.15,
    includedRequests: 1_000_000,
    // Incoming WebSocket messages are billed 20:1; outgoing messages and protocol-level pings are free.
    incomingWsMessagesPerRequest: 20,
    gbSecondsPerMillion: 12.5,
    includedGbSeconds: 400_000,
    memoryGb: 0.128, // "128 MB / 1 GB" in the pricing page's examples
    rowsReadPerMillion: 0.001,
    includedRowsRead: 25_000_000_000,
    rowsWrittenPerMillion: 1.0,
    includedRowsWritten: 50_000_000,
    storagePerGbMonth: 0.2,
    includedStorageGb: 5,
  },
  d1: {
    rowsReadPerMillion: 0.001,
    includedRowsRead: 25_000_000_000,
    rowsWrittenPerMillion: 1.0,
    includedRowsWritten: 50_000_000,
    storagePerGbMonth: 0.75,
    includedStorageGb: 5,
  },
};

/**
 * Seed 002 ("Cost Analysis: 1,000 Users, 20 Messages/Day"): 1,000 users, 20
 * human messages and 20 AI replies a day each (the seed's "40 messages per
 * user per day", 1,200,000 messages a month), 30 days. Its bot polled every
 * 3 s. The rest are this benchmark's assumptions, stated.
 */
export const SCENARIO = {
  students: 1_000,
  exchangesPerDay: 20, // 20 human messages + 20 replies = the seed's 40 messages
  messagesPerExchange: 2,
  days: 30,
  tabHoursPerDay: 2,
  pingEverySeconds: 30, // lib/chat-socket.ts PING_EVERY_MS
  pageOpensPerDay: 1, // a cold object each time: the first open of the day
  reconnectsPerDay: 2, // network changes, laptop sleep, deploys
  newChatsPerDay: 1, // one of the day's exchanges is a chat's first message
  // A chat reports its analytics once per UTC hour it had messages in (durable-objects/chat/analytics-report.ts):
  // the day's exchanges fall in its 2 h of open tabs, which touch 3 clock hours unless they start on the hour.
  analyticsReportsPerDay: 3,
  handoffsPerStudentPerMonth: 1,
  botPollSeconds: 3, // external mode only: the seed's bot cadence, all month (an upper bound: a busy bot claims instead)
  cpuMsPerWebRequest: 10, // assumed: not measurable locally; web worker route + sidecar (billed to the same request)
  d1MsPerQueryInObject: 20, // assumed extra wall time per D1 query a Durable Object awaits in production
  d1BytesPerChat: 400, // assumed: the chats row and its index entries
};

/** Seed 002's own figures, as it states them (it priced DO storage reads at the KV backend's $0.20/M). */
export const SEED = {
  before: {
    monthly: 19_318,
    basis: "storage reads only: bot polling $318 (864,000 polls × 1,841 reads) + frontend polling $19 × 1,000 users (≈52,000 polls × 1,841 reads each)",
    counts: { storageReads: 1_590_000_000 + 1_000 * 96_000_000 },
  },
  after: {
    monthly: 28.88,
    basis: "its table: DO reads 1.8M ($0.36), writes 2.4M ($2.40), storage 2.4 GB ($0.48), duration 71,250 GB-s ($0.89), DO requests 55M ($8.25), Workers requests 55M ($16.50); no allowances, no $5 minimum",
    counts: { doRequests: 55_000_000, workerRequests: 55_000_000, rowsRead: 1_800_000, rowsWritten: 2_400_000, storageGb: 2.4, gbSeconds: 71_250 },
  },
};

const UNITS = ["webRequests", "sidecarCalls", "doCalls", "alarmRuns", "wsHandled", "wsPings", "doRowsRead", "doRowsWritten", "d1RowsRead", "d1RowsWritten", "d1QueriesInObjects", "doActiveMs"];

/** A scenario's units per action: the mean of repeated actions, else the totals. */
export const totalsOf = (scenario) => scenario.mean ?? scenario.totals;

/** Monthly events of the scenario, and what each one costs in measured units. */
export function monthlyEvents(measured, mode, scenario = SCENARIO) {
  const { students, days } = scenario;
  const b = measured.builtin.scenarios;
  const run = measured[mode].scenarios;
  const newChats = students * scenario.newChatsPerDay * days;
  const exchanges = students * scenario.exchangesPerDay * days;
  // Every exchange pays the cold cost (the object hibernated between messages: they are minutes apart),
  // plus the read receipts the open tab sends when the push arrives (measured in the warm run).
  const exchange = { ...totalsOf(run.exchangeCold), wsHandled: totalsOf(run.exchangeWarm).wsHandled };
  const pingsPerMonth = students * days * scenario.tabHoursPerDay * (3600 / scenario.pingEverySeconds);
  const pings = totalsOf(b.idleTab);
  const events = [
    { name: "first message of a chat", count: newChats, units: totalsOf(run.firstMessage) },
    { name: "exchange (object woken)", count: exchanges - newChats, units: exchange },
    { name: "page open", count: students * scenario.pageOpensPerDay * days, units: totalsOf(b.pageOpen) },
    { name: "reconnect", count: students * scenario.reconnectsPerDay * days, units: totalsOf(b.reconnect) },
    { name: "hand-off to staff", count: students * scenario.handoffsPerStudentPerMonth, units: totalsOf(b.handoff) },
    // Scale the measured window (PINGS pings) to one ping.
    { name: "keep-alive ping", count: pingsPerMonth, units: scale(pings, 1 / pings.wsPings) },
  ];
  // A chat reports its messages' counts from its alarm: 1 alarm run, 1 Analytics.recordBatch; rows written: the hour's
  // row and the chat's cursor (measured: bench/e2e-scenarios.mjs), + 1 for the alarm set (measured in the step that set
  // it: a new chat's first message, whose share is then counted twice, 30,000 rows a month: an overestimate).
  const report = { ...totalsOf(b.chatReport), doRowsWritten: totalsOf(b.chatReport).doRowsWritten + 1 };
  events.push({ name: "chat analytics report (alarm)", count: students * scenario.analyticsReportsPerDay * days, units: report });
  if (mode === "external") {
    // perDeployment: one bot's steady cadence, all day, whatever the number of students (bench/capacity-model.ts).
    events.push({ name: "bot idle poll", count: (days * 86_400) / scenario.botPollSeconds, units: totalsOf(run.botIdlePoll), perDeployment: true });
  }
  return events;
}

function scale(units, factor) {
  return Object.fromEntries(UNITS.map((key) => [key, (units[key] ?? 0) * factor]));
}

/** Sums the events into the month's billable quantities. */
export function monthlyUnits(events, measured, scenario = SCENARIO) {
  const total = Object.fromEntries(UNITS.map((key) => [key, 0]));
  for (const event of events) for (const key of UNITS) total[key] += (event.units[key] ?? 0) * event.count;
  const ratio = PRICES.durableObjects.incomingWsMessagesPerRequest;
  const messages = scenario.students * scenario.exchangesPerDay * scenario.messagesPerExchange * scenario.days;
  const chats = scenario.students * scenario.newChatsPerDay * scenario.days;
  const storage = measured.builtin.storage;
  const activeSeconds = total.doActiveMs / 1000 + (total.d1QueriesInObjects * scenario.d1MsPerQueryInObject) / 1000;
  return {
    workerRequests: total.webRequests,
    serviceBindingCalls: total.sidecarCalls,
    workerCpuMs: total.webRequests * scenario.cpuMsPerWebRequest,
    doCalls: total.doCalls + total.alarmRuns,
    doIncomingWsMessages: total.wsHandled,
    doRequests: total.doCalls + total.alarmRuns + total.wsHandled / ratio,
    pings: total.wsPings,
    pingRequestsIfBilled: total.wsPings / ratio,
    doActiveSeconds: activeSeconds,
    doGbSeconds: activeSeconds * PRICES.durableObjects.memoryGb,
    doRowsRead: total.doRowsRead,
    doRowsWritten: total.doRowsWritten,
    // One month of chats and messages, all of it held the whole month (an upper bound for month one; it accumulates after).
    doStorageGb: (chats * storage.firstExchangeBytes + Math.max(0, messages - chats * storage.firstExchangeMessages) * storage.bytesPerMessage) / 1e9,
    d1RowsRead: total.d1RowsRead,
    d1RowsWritten: total.d1RowsWritten,
    d1StorageGb: (chats * scenario.d1BytesPerChat) / 1e9,
    messages,
  };
}

/** Each billed line: its quantity, its marginal price (every unit billed), and its price beyond the plan's allowance. */
export function costLines(units, { pingsBilled = false } = {}) {
  const w = PRICES.workers;
  const d = PRICES.durableObjects;
  const q = PRICES.d1;
  const line = (name, quantity, unit, rate, included, note) => ({
    name,
    quantity,
    unit,
    marginal: quantity * rate,
    beyondIncluded: Math.max(0, quantity - included) * rate,
    included,
    note,
  });
  const perMillion = (price) => price / 1e6;
  const doRequests = units.doRequests + (pingsBilled ? units.pingRequestsIfBilled : 0);
  return [
    line("Workers requests", units.workerRequests, "requests", perMillion(w.requestsPerMillion), w.includedRequests, "browser/bot requests to the web worker; its RPC calls to the sidecar are service-binding calls, not billed"),
    line("Workers CPU time", units.workerCpuMs, "CPU ms", perMillion(w.cpuMsPerMillion), w.includedCpuMs, "assumed ms per request"),
    line(pingsBilled ? "DO requests (pings billed 20:1)" : "DO requests", doRequests, "requests", perMillion(d.requestsPerMillion), d.includedRequests, "RPC calls + fetches + alarms + incoming WebSocket frames ÷ 20"),
    line("DO duration", units.doGbSeconds, "GB-s", perMillion(d.gbSecondsPerMillion), d.includedGbSeconds, "measured call time + assumed D1 wait, × 128 MB; hibernated sockets cost none"),
    line("DO SQLite rows read", units.doRowsRead, "rows", perMillion(d.rowsReadPerMillion), d.includedRowsRead),
    line("DO SQLite rows written", units.doRowsWritten, "rows", perMillion(d.rowsWrittenPerMillion), d.includedRowsWritten, "incl. setAlarm/deleteAlarm"),
    line("DO SQLite storage", units.doStorageGb, "GB-month", d.storagePerGbMonth, d.includedStorageGb),
    line("D1 rows read", units.d1RowsRead, "rows", perMillion(q.rowsReadPerMillion), q.includedRowsRead),
    line("D1 rows written", units.d1RowsWritten, "rows", perMillion(q.rowsWrittenPerMillion), q.includedRowsWritten),
    line("D1 storage", units.d1StorageGb, "GB-month", q.storagePerGbMonth, q.includedStorageGb),
  ];
}

export function totalOf(lines) {
  const marginal = lines.reduce((sum, l) => sum + l.marginal, 0);
  const beyond = lines.reduce((sum, l) => sum + l.beyondIncluded, 0);
  return { marginal, withPlan: PRICES.planMinimum + beyond };
}

/** The month for one bot mode: events, quantities, lines and totals (pings unbilled, and billed as the worst case). */
export function monthlyCost(measured, mode, scenario = SCENARIO) {
  const events = monthlyEvents(measured, mode, scenario);
  const units = monthlyUnits(events, measured, scenario);
  const lines = costLines(units);
  const worst = costLines(units, { pingsBilled: true });
  return {
    events: events.map(({ name, count, units: perEvent }) => ({ name, count, perEvent: Object.fromEntries(UNITS.map((key) => [key, round(perEvent[key] ?? 0, 3)])) })),
    units: Object.fromEntries(Object.entries(units).map(([key, value]) => [key, round(value, 4)])),
    lines: lines.map((l) => ({ ...l, quantity: round(l.quantity, 4), marginal: round(l.marginal, 4), beyondIncluded: round(l.beyondIncluded, 4) })),
    total: mapValues(totalOf(lines), (v) => round(v, 2)),
    totalIfPingsBilled: mapValues(totalOf(worst), (v) => round(v, 2)),
  };
}

const mapValues = (object, fn) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
