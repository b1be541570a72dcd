// The capacity table of `npm run bench`: for each user action the end-to-end section measured, the
// resources the whole deployment shares (the one D1 database, the "global" Durable Objects), calls per
// action and the ceiling in actions/s at Cloudflare's documented limits; then seed 002's month at its
// peak. The arithmetic is bench/capacity-model.ts; this file picks the actions and prints.
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
  importTs('export { LIMITS, SHARED_OBJECTS, actionCapacity, peakCapacity } from "./bench/capacity-model.ts";', ROOT);

/** The actions of the end-to-end section, labelled as its tables label them (the mean where it measured several). */
function actionsOf(measured) {
  const b = measured.builtin.scenarios;
  const x = measured.external.scenarios;
  const list = [
    ["builtin", "first message of a new chat", b.firstMessage],
    ["builtin", "(a) exchange, object awake", b.exchangeWarm],
    ["builtin", "(a) exchange, object woken", b.exchangeCold],
    ["builtin", "(c) hand-off: note + staff claim/complete", b.handoff],
    ["builtin", `(d) idle tab, ${b.idleTab.totals.wsPings} pings`, b.idleTab],
    ["builtin", "(e) reconnect", b.reconnect],
    ["builtin", "page open (object woken)", b.pageOpen],
    ["external", "first message + the bot's answer", x.firstMessage],
    ["external", "(b) exchange, object awake", x.exchangeWarm],
    ["external", "(b) exchange, object woken", x.exchangeCold],
    ["external", "bot idle poll (claim-next)", x.botIdlePoll],
  ].map(([mode, action, scenario]) => ({ mode, action, units: totalsOf(scenario) }));
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
    sharedObjects: model.SHARED_OBJECTS,
    peak: { ...shape, basis: `every student's ${SCENARIO.tabHoursPerDay} h of open tabs a day in the same window; the bot's idle poll all day` },
    actions,
    month,
  };
}

const per = (value) => (Number.isFinite(value) ? amount(round(value, value < 10 ? 1 : 0)) : "∞");

/** The table (one row per action and shared resource), a line per action, then the month's peak. */
export function printCapacity(capacity) {
  const { limits } = capacity;
  console.log(
    `\nCapacity: shared resources per action (D1 ${amount(limits.d1QueriesPerSecond)} statements/s; one Durable Object ` +
      `${limits.objectCallsPerSecond} calls/s, ${limits.objectWritingCallsPerSecond} when they write; per-chat, per-owner and per-booking objects are not shared):\n`,
  );
  const rows = [];
  const binds = (use, first) => (first && use.resource === first.resource ? "◀" : "");
  for (const a of capacity.actions) {
    const label = `${a.mode}: ${a.action}`;
    if (a.uses.length === 0) rows.push([label, "nothing shared", "-", "-", "∞", ""]);
    for (const use of a.uses) rows.push([label, use.resource, amount(use.calls), use.writes ? "yes" : "no", per(use.ceilingPerSecond), binds(use, a.bindsFirst)]);
  }
  console.log(grid(["action", "resource", "calls/action", "writes?", "ceiling actions/s", "binds first"], rows));
  console.log("calls = D1 statements (each of a batch) or calls on the object (RPC, fetch, alarm); ceiling = the limit ÷ calls, the action alone.\n");
  for (const a of capacity.actions) {
    const b = a.bindsFirst;
    console.log(`  ${a.mode}, ${a.action}: ${b ? `${b.resource} binds first at ${per(b.ceilingPerSecond)}/s (${amount(b.calls)} call${b.calls === 1 ? "" : "s"})` : "nothing shared"}`);
  }

  const peak = capacity.peak;
  console.log(`\nSeed 002's month at its peak (${amount(peak.students)} students; ${peak.basis}):\n`);
  const monthRows = [];
  for (const [mode, m] of Object.entries(capacity.month)) {
    for (const use of m.uses) {
      monthRows.push([`${mode}: ${use.resource}`, amount(round(use.callsPerSecond, use.callsPerSecond < 1 ? 3 : 1)), use.writes ? "yes" : "no", `${round(use.utilisation * 100, 2)}%`, per(use.maxStudents), binds(use, m.bindsFirst)]);
    }
  }
  console.log(grid(["resource", "calls/s at peak", "writes?", "of its limit", "ceiling (students)", "binds first"], monthRows));
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
