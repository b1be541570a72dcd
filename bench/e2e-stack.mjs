// The end-to-end bench's stack: bundling the bench sidecar, a fresh local D1,
// `wrangler dev` started and stopped per bot mode, and the HTTP calls that
// drive it (bench/e2e-sidecar.ts's `/bench/*` routes).
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { importTs } from "../scripts/lib/import-ts.mjs";
import { start, stop, waitForHttp } from "../scripts/lib/processes.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");
const CONFIG_FILE = "bench/e2e-wrangler.toml";
export const E2E_PORT = Number(process.env.BENCH_E2E_PORT ?? 8792);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const PERSIST_TO = path.join(ROOT, ".wrangler/bench-e2e-state");
export const hex = (bytes) => randomBytes(bytes).toString("hex");
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- talking to the bench sidecar -------------------------------------------------------

export async function http(pathname, body) {
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
export async function call(method, ...args) {
  const { result, ms } = await http("/bench/call", { method, args });
  if (typeof result !== "object" || result === null) return { value: result, ms }; // ping() answers "pong", not a Result
  if (!result.ok) throw new Error(`${method} refused: ${JSON.stringify(result.error ?? result)}`);
  return { value: result.value, ms };
}

export const counters = () => http("/bench/counters");

export const evict = (chat) => http("/bench/evict", { sessionId: chat.sessionId });

// ---- processes ----------------------------------------------------------------------------

export const TOKENS = { internal: `bench-internal-${hex(16)}`, bot: `bench-bot-${hex(16)}` };

function wranglerEnv(registry) {
  return { WRANGLER_SEND_METRICS: "false", WRANGLER_REGISTRY_PATH: registry };
}

async function runWrangler(args, registry) {
  await promisify(execFile)(WRANGLER, args, { cwd: ROOT, env: { ...process.env, ...wranglerEnv(registry) }, maxBuffer: 64 * 1024 * 1024 });
}

/** The catalog seed, rendered the way scripts/seed-catalog.mjs does it, into our own file and database. */
async function seedCatalog(dir, registry) {
  const seed = await importTs(
    `export { SEED_TUTORS } from "./lib/tutoring/catalog-data.ts";
     export { catalogSeedStatements, renderSeedSql } from "./lib/db/catalog-seed.ts";`,
    ROOT,
  );
  const file = path.join(dir, "seed-catalog.sql");
  await writeFile(file, seed.renderSeedSql(seed.catalogSeedStatements(seed.SEED_TUTORS)));
  await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", PERSIST_TO, "-c", CONFIG_FILE, "--file", file], registry);
  return seed.SEED_TUTORS.length;
}

/** Bundles the bench sidecar into `dir`, then a fresh D1 with the migrations and the tutor catalog; answers the number of tutors. */
export async function prepareStack(dir, registry) {
  await runWrangler(["deploy", "--dry-run", "-c", CONFIG_FILE, "--outdir", dir], registry);
  await rm(PERSIST_TO, { recursive: true, force: true });
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST_TO, "-c", CONFIG_FILE], registry);
  return seedCatalog(dir, registry);
}

/** The worker of the phase in progress, so run.mjs can stop it on Ctrl-C. */
let running = null;

export async function stopEndToEndWorker() {
  await stop(running);
}

/**
 * The bench runs on the stack's clock (lib/time.ts) at a fixed hour of the week, as the e2e tests
 * do: Wednesday 10:00 at the center, so a booking's offer, move and cancel never meet the cutoff
 * by the hour the bench happens to run. Chosen once per run; every worker phase shares it.
 */
let clockOffset = null;
async function benchClockOffset() {
  if (clockOffset === null) {
    const { nextWeekdayAt } = await importTs('export { nextWeekdayAt } from "./lib/time.ts";', ROOT);
    const now = Date.now();
    clockOffset = String(nextWeekdayAt(now, "wednesday", "10:00") - now);
  }
  return clockOffset;
}

function startWorker(bundleDir, botMode, registry, log, offset) {
  const args = [
    "dev", path.join(bundleDir, "e2e-sidecar.js"), "--no-bundle", "-c", CONFIG_FILE, "--port", String(E2E_PORT), "--ip", "127.0.0.1",
    "--inspector-port", "0", "--persist-to", PERSIST_TO, "--show-interactive-dev-session=false", "--log-level", "warn",
    "--var", `BOT_MODE:${botMode}`, "--var", `INTERNAL_KEY:${TOKENS.internal}`, "--var", `BOT_TOKEN:${TOKENS.bot}`,
    "--var", `CLOCK_OFFSET_MS:${offset}`,
  ];
  const worker = start(`bench-e2e-${botMode}`, WRANGLER, args, { quiet: true, env: wranglerEnv(registry) });
  running = worker;
  for (const stream of [worker.stdout, worker.stderr]) {
    stream.on("data", (chunk) => log.push(...String(chunk).split("\n").filter((line) => line.trim() && !/Request\.cf|getaddrinfo|GetAddrInfo|callbackTrampoline/.test(line))) && log.splice(0, Math.max(0, log.length - 60)));
  }
  worker.once("exit", (code, signal) => log.push(`[bench-e2e] wrangler dev (${botMode}) exited: code ${code}, signal ${signal}`));
  return worker;
}

export async function withWorker(botMode, bundleDir, registry, log, run) {
  for (let attempt = 1; ; attempt++) {
    const worker = startWorker(bundleDir, botMode, registry, log, await benchClockOffset());
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
