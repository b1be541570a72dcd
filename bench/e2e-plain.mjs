// The plain exchange (no search: "help", "thanks", "hello"), awake and woken: its own table, and the
// bench's assertion on it, which fails the run (bench/run.mjs): the rule is bench/capacity-model.ts
// `plainExchangeProblems` (0 D1 statements awake, at most 1 woken, in every sample; no object past its
// chat, its owner and its own center's Center).
import path from "node:path";
import { importTs } from "../scripts/lib/import-ts.mjs";
import { totalsOf } from "./cost-model.mjs";
import { amount, grid } from "./report.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");

const loadRule = () => importTs('export { PLAIN_D1_AT_MOST, plainExchangeProblems } from "./bench/capacity-model.ts";', ROOT);

const list = (record) =>
  Object.entries(record ?? {})
    .map(([name, n]) => (n === 1 ? name : `${name} ×${n}`))
    .join(", ") || "-";

const cases = (scenarios) => [
  ["awake", "awake", scenarios.plainWarm],
  ["woken", "woken (evicted before each)", scenarios.plainCold],
];

/** Every sample of both plain scenarios against the rule; [] when it holds. */
export async function plainExchangeProblems(scenarios) {
  const rule = await loadRule();
  return cases(scenarios).flatMap(([which, , scenario]) => rule.plainExchangeProblems(which, scenario?.steps ?? []));
}

/** The table: per plain exchange (the mean of its samples), D1 statements by origin, object calls and rows written by class. */
export async function printPlainExchange(scenarios) {
  const { PLAIN_D1_AT_MOST } = await loadRule();
  const measured = cases(scenarios).filter(([, , scenario]) => scenario);
  const rows = measured.map(([, label, scenario]) => {
    const t = totalsOf(scenario);
    const pick = (key) => Object.fromEntries(Object.entries(t.byClass ?? {}).filter(([, tally]) => tally[key] > 0).map(([cls, tally]) => [cls, tally[key]]));
    return [`${label}, mean of ${scenario.steps.length}`, amount(t.d1Queries), list(t.d1ByOrigin), list(pick("calls")), list(pick("rowsWritten")), amount(t.d1RowsWritten)];
  });
  console.log(
    `\nPlain exchange (builtin; ${PLAIN_D1_AT_MOST.awake} D1 statements awake, at most ${PLAIN_D1_AT_MOST.woken} woken, ` +
      "no object past its chat, its owner and its own center's Center):\n",
  );
  console.log(grid(["plain exchange", "D1 stmts", "D1 by origin", "DO calls by class", "DO rows written by class", "D1 rows written"], rows));
  for (const [which, , scenario] of measured) {
    const sql = totalsOf(scenario).d1Sql ?? {};
    if (Object.keys(sql).length) console.log(`  D1 statements, ${which} (mean per exchange; origin: SQL): ${list(sql)}`);
  }
}
