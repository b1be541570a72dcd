// Counter snapshots of the bench sidecar turned into billing units: one user
// action is a `step` (the counters' delta around it), a scenario sums steps.
import { counters } from "./e2e-stack.mjs";

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

/**
 * Per Durable Object class: calls (stub calls + alarm runs), rows read and rows written
 * (+ setAlarm/deleteAlarm). The capacity table (bench/capacity.mjs) reads the shared ones.
 */
function byClassOf(delta) {
  const classes = new Set([...Object.keys(delta.doCalls ?? {}), ...Object.keys(delta.doRows ?? {}), ...Object.keys(delta.alarmRuns ?? {}), ...Object.keys(delta.alarmWrites ?? {})]);
  const out = {};
  for (const cls of classes) {
    const tally = {
      calls: sumOf(delta.doCalls?.[cls]) + (delta.alarmRuns?.[cls] ?? 0),
      rowsRead: delta.doRows?.[cls]?.reads ?? 0,
      rowsWritten: (delta.doRows?.[cls]?.writes ?? 0) + (delta.alarmWrites?.[cls] ?? 0),
    };
    if (tally.calls || tally.rowsRead || tally.rowsWritten) out[cls] = tally;
  }
  return out;
}

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
    byClass: byClassOf(delta),
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
    // Which code ran the statements (the entrypoint or an object's class), and which statements, by SQL text.
    d1ByOrigin: Object.fromEntries(Object.entries(delta.d1 ?? {}).filter(([, tally]) => tally.queries > 0).map(([origin, tally]) => [origin, tally.queries])),
    d1Sql: Object.fromEntries(Object.entries(delta.d1Sql ?? {}).filter(([, n]) => n > 0)),
    doActiveMs: sumOf(delta.doCallMs),
    sidecarCalls: sumOf(delta.sidecarRpc) + (delta.sidecarFetch ?? 0),
    d1Uncounted: delta.d1Uncounted ?? 0,
  };
}

/** The units counted since the `counters()` snapshot `before`. */
export const unitsSince = async (before) => {
  const after = await counters();
  // Counted calls still running when the snapshot gave up waiting (bench/e2e-counting.ts `settled`): should be 0.
  return { ...unitsOf(diff(after, before)), unsettled: after.unsettled ?? 0 };
};

export const UNIT_KEYS = [
  "webRequests", "sidecarCalls", "doCalls", "alarmRuns", "wsHandled", "wsPings", "doRowsRead", "doRowsWritten", "alarmWrites",
  "d1Queries", "d1QueriesInObjects", "d1RowsRead", "d1RowsWritten", "doActiveMs", "d1Uncounted",
];

function addUnits(into, units) {
  for (const key of UNIT_KEYS) into[key] = (into[key] ?? 0) + (units[key] ?? 0);
  for (const table of ["calls", "d1ByOrigin", "d1Sql"]) {
    for (const [name, n] of Object.entries(units[table] ?? {})) (into[table] ??= {})[name] = (into[table][name] ?? 0) + n;
  }
  for (const [cls, tally] of Object.entries(units.byClass ?? {})) {
    const sum = ((into.byClass ??= {})[cls] ??= { calls: 0, rowsRead: 0, rowsWritten: 0 });
    for (const key of Object.keys(sum)) sum[key] += tally[key] ?? 0;
  }
  return into;
}

export function meanUnits(list) {
  const total = list.reduce((acc, units) => addUnits(acc, units), {});
  const mean = {};
  for (const key of UNIT_KEYS) mean[key] = Number(((total[key] ?? 0) / list.length).toFixed(3));
  for (const table of ["calls", "d1ByOrigin", "d1Sql"]) {
    mean[table] = Object.fromEntries(Object.entries(total[table] ?? {}).map(([name, n]) => [name, Number((n / list.length).toFixed(3))]));
  }
  mean.byClass = Object.fromEntries(
    Object.entries(total.byClass ?? {}).map(([cls, tally]) => [cls, Object.fromEntries(Object.entries(tally).map(([key, n]) => [key, Number((n / list.length).toFixed(3))]))]),
  );
  return mean;
}

/**
 * One user-level action. `web` is how many Worker requests a browser (or bot)
 * makes for it through the web worker; `wsSent` the frames it sends on its
 * socket, `pings` those that are keep-alive pings. Everything else is counted.
 */
export async function step(name, browser, work) {
  const before = await counters();
  const output = await work();
  const units = await unitsSince(before);
  return { name, webRequests: browser.web ?? 0, wsSent: browser.wsSent ?? 0, wsPings: browser.pings ?? 0, ...units, output };
}

export function scenario(name, steps, notes) {
  const totals = steps.reduce((acc, s) => addUnits(acc, s), {});
  totals.wsSent = sum(steps.map((s) => s.wsSent));
  return { name, notes, totals, steps: steps.map(({ output: _output, ...rest }) => rest) };
}

/** Do the counts add up? The queue reports the exact rows of each call (kvStats); the registry must agree. */
export function crossCheck(steps, kvOf) {
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
