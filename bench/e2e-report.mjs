// The end-to-end section's results: the measurements and the month they imply
// (bench/cost-model.mjs) as results.json's `endToEnd`, and the printed tables.
import os from "node:os";
import { PRICES, SCENARIO, SEED, monthlyCost, totalsOf } from "./cost-model.mjs";
import { E2E_PORT } from "./e2e-stack.mjs";
import { amount, grid, money } from "./report.mjs";

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
    const t = totalsOf(scenario);
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
        row(`(a) builtin plain exchange, awake (mean of ${b.plainWarm.steps.length})`, b.plainWarm),
        row(`(a) builtin plain exchange, woken (mean of ${b.plainCold.steps.length})`, b.plainCold),
        row("builtin: a chat's analytics report (its alarm, once per hour with messages)", b.chatReport),
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

  printStaff(b);

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
  const within = target.withPlan <= PRICES.planMinimum;
  console.log(
    `Target ≤ $5/month: builtin ${money(target.marginal)} marginal, ${money(target.withPlan)} with the plan minimum ` +
      (within ? "(everything within its allowances ⇒ exactly the $5 minimum)." : `(over: ${e2e.monthly.builtin.lines.filter((line) => line.beyondIncluded > 0).map((line) => line.name).join(", ")} beyond the allowance).`),
  );

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
    const unsettled = Object.values(m.scenarios).flatMap((s) => s.steps.filter((step) => step.unsettled > 0).map((step) => step.name));
    const checks = [`verify: ${m.verify.objects} objects' rowCounts() over RPC ${m.verify.mismatches.length === 0 ? "equal the registry" : `DIFFER: ${JSON.stringify(m.verify.mismatches)}`}`];
    checks.push(m.crossCheck.length === 0 ? "queue kvStats = counted rows on every claim/complete" : `kvStats mismatch: ${m.crossCheck.join("; ")}`);
    checks.push(unsettled.length === 0 ? "every un-awaited call finished inside its step" : `calls still running after: ${unsettled.join("; ")}`);
    console.log(`Checks (${mode}): ${checks.join("; ")}${m.notes.length ? `; notes: ${m.notes.join("; ")}` : ""}.`);
  }
}

/** The staff console's actions and one Analytics.record call, one row per step, with the object methods each called. */
function printStaff(b) {
  if (!b.staff) return;
  const calls = (s) => Object.entries(s.calls ?? {}).map(([name, n]) => (n === 1 ? name : `${name} ×${n}`)).join(", ") || "-";
  const row = (s) => [s.name, amount(s.webRequests), amount(s.sidecarCalls), amount(s.doCalls + s.alarmRuns), calls(s), rw(s.doRowsRead, s.doRowsWritten), amount(s.d1Queries), rw(s.d1RowsRead, s.d1RowsWritten)];
  const header = ["action", "web req", "svc calls", "DO calls", "which", "DO rows r / w", "D1 stmts", "D1 rows r / w"];
  console.log(`\nStaff console, per action (admin session; the week shown held ${b.staff.weekBookings} booking(s)):\n`);
  console.log(grid(header, b.staff.steps.map(row)));
  if (b.bookingLife) {
    console.log("\nA booking's life, from the student's chat (no mail API in the bench: no email is queued):\n");
    console.log(grid(header, b.bookingLife.steps.map(row)));
  }
  if (b.accounts) {
    console.log("\nStudent accounts (services/accounts.ts): an email link's sign-in, with and without data to move:\n");
    console.log(grid(header, b.accounts.steps.map(row)));
  }
  if (b.analyticsRecord) {
    console.log("\nAnalytics.record alone (through /bench/analytics-record, as recordAnalytics sends it; already inside every step above that records):\n");
    console.log(grid(header, b.analyticsRecord.steps.map(row)));
  }
  console.log(
    "D1 stmts = statements (each of a batch counts); DO calls include alarm runs; the session check (1 statement) is inside every staff call. " +
      "Analytics.record is not awaited by the caller (it is stored before it answers); the bench waits for it before closing the step.",
  );
}
