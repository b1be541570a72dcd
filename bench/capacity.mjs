// The capacity table of `npm run bench`: for every shared resource on each user action the end-to-end
// section measured (each D1 database, each object that more than one chat reaches), calls per action
// and the ceiling in actions/s at Cloudflare's documented limits. D1 is one database for every center;
// the Center, MessageQueue and Analytics are one per center, so an action's ceiling per center is the
// lowest over those alone, and D1's is stated apart. Then seed 002's month at its peak. The arithmetic
// is bench/capacity-model.ts; this file picks the actions and prints.
// Alone, from the last bench/results.json (its `endToEnd`): `node bench/capacity.mjs [results.json]` (writes `capacity` back).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { importTs } from "../scripts/lib/import-ts.mjs";
import { SCENARIO, monthlyEvents, totalsOf } from "./cost-model.mjs";
import { amount, grid, round } from "./report.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "results.json"));

const loadModel = () =>
  importTs('export { LIMITS, PER_CENTER_OBJECTS, actionCapacity, peakCapacity } from "./bench/capacity-model.ts";', ROOT);

/** The actions of the end-to-end section, labelled as its tables label them (the mean where it measured several). */
function actionsOf(measured) {
  const b = measured.builtin.scenarios;
  const x = measured.external.scenarios;
  const list = [
    ["builtin", "first message of a new chat", b.firstMessage],
    ["builtin", "(a) exchange, object awake", b.exchangeWarm],
    ["builtin", "(a) exchange, object woken", b.exchangeCold],
    ["builtin", "(a) plain exchange, object awake", b.plainWarm],
    ["builtin", "(a) plain exchange, object woken", b.plainCold],
    ["builtin", "(c) hand-off: note + staff claim/complete", b.handoff],
    ["builtin", `(d) idle tab, ${b.idleTab.totals.wsPings} pings`, b.idleTab],
    ["builtin", "(e) reconnect", b.reconnect],
    ["builtin", "page open (object woken)", b.pageOpen],
    ["external", "first message + the bot's answer", x.firstMessage],
    ["external", "(b) exchange, object awake", x.exchangeWarm],
    ["external", "(b) exchange, object woken", x.exchangeCold],
    ["external", "bot idle poll (claim-next)", x.botIdlePoll],
  ]
    .filter(([, , scenario]) => scenario !== undefined)
    .map(([mode, action, scenario]) => ({ mode, action, units: totalsOf(scenario) }));
  for (const step of b.bookingLife?.steps ?? []) list.push({ mode: "builtin", action: `booking: ${step.name}`, units: step });
  for (const step of b.staff?.steps ?? []) list.push({ mode: "staff", action: step.name, units: step });
  for (const step of b.accounts?.steps ?? []) list.push({ mode: "builtin", action: `account: ${step.name}`, units: step });
  return list;
}

/** results.json's `capacity`, from its `endToEnd` (the counts of the same run). */
export async function summarizeCapacity(endToEnd) {
  const model = await loadModel();
  const actions = actionsOf(endToEnd.measured).map(({ mode, action, units }) => ({ mode, ...model.actionCapacity(action, units) }));
  // The peak: every student's day inside the same window, the hours their tabs are open (an evening's homework).
  const shape = { students: SCENARIO.students, days: SCENARIO.days, peakWindowSeconds: SCENARIO.tabHoursPerDay * 3600 };
  const month = Object.fromEntries(["builtin", "external"].map((mode) => [mode, model.peakCapacity(monthlyEvents(endToEnd.measured, mode), shape)]));
  return {
    limits: model.LIMITS,
    perCenterObjects: model.PER_CENTER_OBJECTS,
    peak: { ...shape, basis: `every student's ${SCENARIO.tabHoursPerDay} h of open tabs a day in the same window; the bot's idle poll all day` },
    actions,
    month,
  };
}

const per = (value) => (Number.isFinite(value) ? amount(round(value, value < 10 ? 1 : 0)) : "∞");

const callsOf = (use) => `${amount(use.calls)} call${use.calls === 1 ? "" : "s"}`;

/** The table (one row per action and shared resource), a row per action with its two ceilings, the plain exchange's target, then the month's peak. */
export function printCapacity(capacity) {
  const { limits } = capacity;
  console.log(
    `\nCapacity: every shared resource per action: D1, one database for every center (${amount(limits.d1QueriesPerSecond)} statements/s), and each ` +
      `center's own ${capacity.perCenterObjects.join(", ")} (one Durable Object: ${limits.objectCallsPerSecond} calls/s, ${limits.objectWritingCallsPerSecond} when they write). ` +
      "Per-chat, per-owner, per-booking, per-slot and per-key objects are not shared:\n",
  );
  const rows = [];
  const binds = (use, first) => (first && use.resource === first.resource ? "◀" : "");
  for (const a of capacity.actions) {
    const label = `${a.mode}: ${a.action}`;
    if (a.uses.length === 0) rows.push([label, "no shared resource", "-", "-", "-", "∞", ""]);
    for (const use of a.uses) rows.push([label, use.resource, use.sharedBy, amount(use.calls), use.writes ? "yes" : "no", per(use.ceilingPerSecond), binds(use, a.bindsFirst)]);
  }
  console.log(grid(["action", "resource", "shared by", "calls/action", "writes?", "ceiling actions/s", "binds first"], rows));
  console.log("calls = D1 statements (each of a batch) or calls on the object (RPC, fetch, alarm); ceiling = the limit ÷ calls, the action alone.\n");

  const summary = capacity.actions.map((a) => [
    `${a.mode}: ${a.action}`,
    a.d1 ? amount(a.d1.calls) : "0",
    a.d1 ? per(a.d1.ceilingPerSecond) : "∞",
    a.perCenter ? `${per(a.ceilingPerCenter)} (${a.perCenter.resource.split(" ")[0]}, ${callsOf(a.perCenter)})` : "∞ (no per-center object)",
    a.bindsFirst ? `${a.bindsFirst.resource} at ${per(a.bindsFirst.ceilingPerSecond)}/s` : "no shared resource",
  ]);
  console.log(grid(["action", "D1 stmts", "D1 ceiling/s (all centers together)", "ceiling per center/s (nothing shared with another center)", "binds first"], summary));

  const plain = capacity.actions.filter((a) => a.action.startsWith("(a) plain exchange"));
  if (plain.length) {
    const target = 2_000;
    console.log(`\nPlain exchange, ceiling per center (target ≥ ${amount(target)}/s on paper):`);
    for (const a of plain) {
      const met = a.ceilingPerCenter >= target ? "meets the target" : "BELOW the target";
      const what = a.perCenter ? `${a.perCenter.resource}, ${callsOf(a.perCenter)}${a.perCenter.writes ? ", writing" : ", writing nothing"}` : "no shared resource";
      console.log(`  ${a.action}: ${per(a.ceilingPerCenter)}/s (${what}; ${a.d1 ? `D1 ${callsOf(a.d1)}, ${per(a.d1.ceilingPerSecond)}/s for all centers` : "no D1 statement"}): ${met}.`);
    }
  }

  const peak = capacity.peak;
  console.log(`\nSeed 002's month at its peak (${amount(peak.students)} students; ${peak.basis}):\n`);
  const monthRows = [];
  for (const [mode, m] of Object.entries(capacity.month)) {
    for (const use of m.uses) {
      monthRows.push([`${mode}: ${use.resource}`, use.sharedBy, amount(round(use.callsPerSecond, use.callsPerSecond < 1 ? 3 : 1)), use.writes ? "yes" : "no", `${round(use.utilisation * 100, 2)}%`, per(use.maxStudents), binds(use, m.bindsFirst)]);
    }
  }
  console.log(grid(["resource", "shared by", "calls/s at peak", "writes?", "of its limit", "ceiling (students)", "binds first"], monthRows));
  const exchanges = capacity.month.builtin.rates.filter((r) => r.name.startsWith("exchange") || r.name.startsWith("first message")).reduce((sum, r) => sum + r.perSecond, 0);
  console.log(`Peak: ${round(exchanges, 2)} exchanges/s; ceiling (students) = students of the same habits before the resource reaches its documented limit.`);
}

async function main() {
  const output = JSON.parse(await readFile(RESULTS, "utf8"));
  if (!output.endToEnd) throw new Error("bench/results.json has no endToEnd section: run `BENCH_SECTIONS=e2e npm run bench` first");
  output.capacity = await summarizeCapacity(output.endToEnd);
  printCapacity(output.capacity);
  await writeFile(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS)} (capacity).`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
