// `npm test`: every test, in the order that fails fastest. Ends with the line
// `tests: N passed, N failed` counted from the runners' JSON reports.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { clearDeadRegistration, portsInUse } from "./lib/processes.mjs";

const RESULTS = ".test-results";
// Tests get a database and Durable Objects of their own, fresh each run; dev data is never touched.
process.env.PERSIST_TO = ".wrangler/test-state";
// And a dev registry of their own: wrangler's default one is machine-wide, so a developer's
// `npm run dev` (or another checkout) would otherwise be bound to the tests' workers, or the reverse.
process.env.WRANGLER_REGISTRY_PATH ??= path.resolve(".wrangler/test-registry");
// The test stacks' ports must be free: a stack left running (`npm run dev` holds 8788 and 8790, `npm run
// preview` 8787) would answer instead of the tests' own workers, and every test would fail with 503s.
const STACK_PORTS = {
  WEB_PORT: Number(process.env.WEB_PORT ?? 8787),
  SIDECAR_PORT: Number(process.env.SIDECAR_PORT ?? 8788),
  MAIL_SINK_PORT: Number(process.env.MAIL_SINK_PORT ?? 8790),
  DEV_PORT: Number(process.env.DEV_PORT ?? 3010),
  "the dev suite's SIDECAR_PORT": 8798,
};
const taken = await portsInUse(Object.values(STACK_PORTS));
if (taken.length > 0) {
  const names = Object.entries(STACK_PORTS).filter(([, port]) => taken.includes(port)).map(([name, port]) => `${port} (${name})`);
  console.error(`npm test: port ${names.join(", ")} already in use, most likely by another local stack (npm run dev / preview / a test run).`);
  console.error("Stop it first, or give the tests other ports with WEB_PORT, SIDECAR_PORT, MAIL_SINK_PORT and DEV_PORT.");
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
}
// A sidecar killed in an earlier run (Ctrl-C twice, a crash) left its entry: the new one would wait 90 s.
await clearDeadRegistration("tutor-chat-sidecar");
rmSync(process.env.PERSIST_TO, { recursive: true, force: true });
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(label, command, args) {
  console.log(`\n▶ ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) failures.push(label);
  return result.status === 0;
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const { stats } = JSON.parse(readFileSync(file, "utf8"));
  passed += stats.expected;
  failed += stats.unexpected + stats.flaky;
  return true;
}

const typecheckOk = run("typecheck", "npm", ["run", "typecheck", "--silent"]);
if (!typecheckOk) failed += 1;

// A few seconds: the assistant's understanding must not fall below eval/understanding/result.json. Counted as one test.
if (run("understanding eval", "npm", ["run", "eval:understanding", "--silent"])) passed += 1;
else failed += 1;

run("setup local secrets and database", "npm", ["run", "setup", "--silent"]);

run("unit and Durable Object tests", "vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${RESULTS}/vitest.json`]);
if (!countVitest(`${RESULTS}/vitest.json`)) failed += 1;

if (run("production build (OpenNext)", "npm", ["run", "build:worker", "--silent"])) {
  run("end-to-end tests (Playwright, Chromium)", "playwright", ["test"]);
  if (!countPlaywright(`${RESULTS}/playwright.json`)) failed += 1;
} else {
  failed += 1;
}

run("end-to-end tests under next dev (npm run dev / dev:web)", "playwright", ["test", "-c", "playwright.dev.config.ts"]);
if (!countPlaywright(`${RESULTS}/playwright-dev.json`)) failed += 1;

if (failures.length) console.log(`\nfailed steps: ${failures.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || failures.length > 0 ? 1 : 0);
