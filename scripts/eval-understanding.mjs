// `npm run eval:understanding`: how well the assistant understands what students write.
// Scores eval/understanding/{messages,dialogues}.jsonl (see eval/understanding/README.md), prints
// intent accuracy, per-slot F1 and joint goal accuracy overall, per language and per category, and
// compares them with the committed eval/understanding/result.json. Any number lower than the
// baseline fails the run (exit 1) and leaves the baseline alone; otherwise the baseline is rewritten
// when it changed (commit it). `--misses` lists every miss; `--update` accepts lower numbers (after
// the set itself changed).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { importTs } from "./lib/import-ts.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "eval/understanding");
const RESULT = path.join(DIR, "result.json");
const args = new Set(process.argv.slice(2));

const score = await importTs('export * from "./eval/understanding/score.ts";', ROOT);

function readCases(file, schema) {
  const lines = readFileSync(path.join(DIR, file), "utf8").split("\n");
  const cases = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`);
    cases.push(parsed.data);
  });
  return cases;
}

const messages = readCases("messages.jsonl", score.MessageCase);
const dialogues = readCases("dialogues.jsonl", score.DialogueCase);
const scored = await score.scoreCases(messages, dialogues);
const current = { clock: score.EVAL_NOW.toISOString(), ...score.report(scored) };

const pct = (value) => `${(value * 100).toFixed(1)}%`.padStart(7);
function row(name, m) {
  const slots = score.SLOTS.map((slot) => pct(m.slots[slot].f1)).join(" ");
  return `${name.padEnd(14)} ${String(m.count).padStart(5)} ${pct(m.intentAccuracy)} ${pct(m.jointGoalAccuracy)}   ${slots}`;
}
console.log(`${"".padEnd(14)} ${"items".padStart(5)} ${"intent".padStart(7)} ${"joint".padStart(7)}   ${score.SLOTS.map((slot) => slot.padStart(7)).join(" ")}`);
console.log(row("overall", current.overall));
for (const [lang, m] of Object.entries(current.byLanguage)) console.log(row(`lang ${lang}`, m));
for (const [category, m] of Object.entries(current.byCategory)) console.log(row(category, m));
const spanish = current.byLanguage.es?.jointGoalAccuracy ?? 0;
console.log(`\ntargets: joint goal ≥ 95% overall (now ${pct(current.overall.jointGoalAccuracy).trim()}), ≥ 90% Spanish (now ${pct(spanish).trim()})`);

function describe(actual) {
  const parts = actual.intent !== undefined ? [`intent=${actual.intent}`] : [];
  for (const slot of score.SLOTS) if (actual.slots[slot] !== undefined) parts.push(`${slot}=${actual.slots[slot]}`);
  return parts.join(" ") || "(nothing)";
}
function printMisses() {
  const misses = scored.filter((item) => !score.isRight(item));
  console.log(`\n${misses.length} misses:`);
  for (const item of misses) {
    console.log(`  ${item.id}  ${JSON.stringify(item.text)}\n      expected ${describe(item.expected)}\n      got      ${describe(item.actual)}`);
  }
}

const baseline = existsSync(RESULT) ? score.BaselineReport.parse(JSON.parse(readFileSync(RESULT, "utf8"))) : undefined;
const dropped = baseline ? score.drops(baseline, current) : [];
if (dropped.length > 0 && !args.has("--update")) {
  printMisses();
  const newMisses = current.misses.filter((id) => !baseline.misses.includes(id));
  if (newMisses.length) console.log(`\nnewly missed: ${newMisses.join(", ")}`);
  console.error(`\nunderstanding dropped below eval/understanding/result.json:\n  ${dropped.join("\n  ")}`);
  process.exit(1);
}
if (args.has("--misses")) printMisses();
const text = `${JSON.stringify(current, null, 2)}\n`;
if (!baseline || readFileSync(RESULT, "utf8") !== text) {
  writeFileSync(RESULT, text);
  console.log(`\n${baseline ? "baseline raised" : "baseline written"}: eval/understanding/result.json (commit it)`);
} else {
  console.log("\nsame as the committed baseline");
}
