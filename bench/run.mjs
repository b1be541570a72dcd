// `npm run bench`, three sections in sequence (BENCH_SECTIONS=queue,e2e,bundles picks them):
// 1. queue: seeds the real MessageQueue and the old scan-everything design with
//    the same conversations, then times each queue operation on both and counts
//    the SQLite rows it read and wrote;
// 2. e2e: the real sidecar under a counting entry, one user action at a time,
//    what seed 002's month costs (bench/e2e.mjs), the capacity of the shared resources
//    (D1, every center's; each center's own objects: bench/capacity.mjs), and the plain
//    exchange's rule, which fails the run when broken (bench/e2e-plain.mjs);
// 3. bundles: a production build, then the JavaScript each page ships, from the
//    build's own manifests (bench/bundle-size.mjs).
// See bench/README.md.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import os from "node:os";
import path from "node:path";
import { start, stop, waitForHttp } from "../scripts/lib/processes.mjs";
import { measureBundles, printBundles } from "./bundle-size.mjs";
import { printCapacity, summarizeCapacity } from "./capacity.mjs";
import { runEndToEnd } from "./e2e.mjs";
import { plainExchangeProblems, printPlainExchange } from "./e2e-plain.mjs";
import { printEndToEnd, summarizeEndToEnd } from "./e2e-report.mjs";
import { stopEndToEndWorker } from "./e2e-stack.mjs";
import { ratio, summarize, table } from "./report.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
// 8787, 8788 (dev/preview) and 8790 are taken by other stacks on shared machines.
const PORT = Number(process.env.BENCH_QUEUE_PORT ?? 8791);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// Its own state dir, apart from the dev and test ones; wiped before every attempt.
const PERSIST_TO = path.join(ROOT, ".wrangler/bench-state");
const num = (name, fallback) => Number(process.env[name] ?? fallback);
const CONFIG = {
  conversations: num("BENCH_CONVERSATIONS", 2_000),
  exchanges: num("BENCH_EXCHANGES", 5), // question + reply each: 10 messages of history
  pendingEvery: num("BENCH_PENDING_EVERY", 4), // a quarter of the conversations wait for the bot
  batch: 100,
  iterations: num("BENCH_ITERATIONS", 200),
  warmup: num("BENCH_WARMUP", 20),
  pageLimit: 100, // pending, feed and conversation pages, as the bots ask for them
  feedRecent: 20, // the feed cursor sits this many seeded entries behind the newest
};
const DESIGNS = ["queue", "baseline"];
const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");
// A private dev registry: the bench workers must not bind to (or be bound by) a dev stack on the machine.
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_REGISTRY_PATH: "" };
const SECTIONS = (process.env.BENCH_SECTIONS ?? "queue,e2e,bundles").split(",").map((name) => name.trim());
const RESULTS = path.join(import.meta.dirname, "results.json");
const MAX_ATTEMPTS = 3;

async function call(pathname, payload) {
  const response = await fetch(`${BASE_URL}${pathname}`, {
    method: payload ? "POST" : "GET",
    headers: { "content-type": "application/json" },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${pathname} ${JSON.stringify(payload)} -> ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Seeds both designs batch by batch (the two Durable Objects work in parallel). */
async function seed(baseTime) {
  const state = { sessions: [], cursor: {} };
  for (let first = 0; first < CONFIG.conversations; first += CONFIG.batch) {
    const count = Math.min(CONFIG.batch, CONFIG.conversations - first);
    const batch = { first, count, exchanges: CONFIG.exchanges, pendingEvery: CONFIG.pendingEvery, baseTime };
    const [queue, baseline] = await Promise.all(DESIGNS.map((design) => call("/seed", { design, ...batch })));
    state.sessions.push(...queue.sessionIds);
    state.cursor = { queue: queue.lastCursor, baseline: baseline.lastCursor };
  }
  return state;
}

/**
 * The measured operations. Ids carry a prefix so the warm-up's posts, claims
 * and completes never collide with the measured ones; claim and complete use
 * the messages `post` queued, and the leases `claim` got, per design.
 */
function operations({ sessions, cursor }) {
  const leases = { queue: new Map(), baseline: new Map() };
  const session = (i) => sessions[(i * 7919) % sessions.length]; // spread over the conversations
  return [
    { name: "poll pending", op: "pending", args: () => ({ limit: CONFIG.pageLimit }) },
    { name: "poll feed (recent cursor)", op: "feed", args: (design) => ({ after: cursor[design] - CONFIG.feedRecent, limit: CONFIG.pageLimit }) },
    {
      name: `conversation (limit ${CONFIG.pageLimit})`,
      op: "conversation",
      args: (_, i) => ({ sessionId: session(i), limit: CONFIG.pageLimit }),
      // One row per entry of that session (the warm-up's posts made some longer), never per conversation stored.
      varies: "one row per entry of the session read",
    },
    { name: "post", op: "post", args: (_, i, prefix) => ({ messageId: `${prefix}-${i}`, sessionId: session(i), content: `Benchmark question ${i}`, createdAt: Date.now() }) },
    {
      name: "claim",
      op: "claim",
      args: (_, i, prefix) => ({ messageId: `${prefix}-${i}`, workerId: "bench", leaseMs: 15 * 60_000 }), // no lease lapses mid-run
      keep: (design, i, prefix, result) => leases[design].set(`${prefix}-${i}`, result.leaseId),
    },
    { name: "complete", op: "complete", args: (design, i, prefix) => ({ messageId: `${prefix}-${i}`, leaseId: leases[design].get(`${prefix}-${i}`), reply: `Benchmark answer ${i}` }) },
  ];
}

/** Runs one operation `iterations` times on each design, alternating which goes first so drift hits both alike. */
async function measure(spec, iterations, prefix) {
  const samples = { queue: [], baseline: [] };
  for (let i = 0; i < iterations; i++) {
    for (const design of i % 2 === 0 ? DESIGNS : [...DESIGNS].reverse()) {
      const started = performance.now();
      const body = await call("/op", { design, op: spec.op, args: spec.args(design, i, prefix) });
      samples[design].push({ kvStats: body.kvStats, workerMs: body.ms, rttMs: performance.now() - started, result: body.result });
      spec.keep?.(design, i, prefix, body.result);
    }
  }
  return samples;
}

/** Both designs must have answered alike, or the comparison means nothing. */
function check(spec, samples) {
  const [q, b] = DESIGNS.map((design) => samples[design].map((s) => s.result.returned ?? s.result.total ?? 0));
  if (q.some((value, i) => value !== b[i])) throw new Error(`${spec.name}: the designs returned different counts (${q[0]} vs ${b[0]})`);
}

async function assertPortFree() {
  const answered = await fetch(`${BASE_URL}/health`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
  if (answered) throw new Error(`port ${PORT} is already taken; stop whatever runs there first`);
}

/**
 * Bundles the bench worker once; each attempt serves that file. `wrangler dev`
 * on the sources would rebuild and restart the worker (emptying the queue's
 * memory) whenever someone saves a file it imports, in the middle of a run.
 */
async function bundle(bundleDir) {
  await promisify(execFile)(WRANGLER, ["deploy", "--dry-run", "-c", "bench/wrangler.toml", "--outdir", bundleDir], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
  });
}

/** Starts `wrangler dev` on the bundle, quiet, but keeps its last lines in `log` for a failure report. */
function startWorker(bundleDir, log) {
  const args = [
    "dev", path.join(bundleDir, "worker.js"), "--no-bundle", "-c", "bench/wrangler.toml", "--port", String(PORT), "--ip", "127.0.0.1",
    "--inspector-port", "0", "--persist-to", PERSIST_TO, "--show-interactive-dev-session=false", "--log-level", "warn",
  ];
  const worker = start("bench", WRANGLER, args, { quiet: true, env: WRANGLER_ENV });
  for (const stream of [worker.stdout, worker.stderr]) {
    stream.on("data", (chunk) => log.push(...String(chunk).split("\n").filter(Boolean)) && log.splice(0, Math.max(0, log.length - 60)));
  }
  worker.once("exit", (code, signal) => log.push(`[bench] wrangler dev exited: code ${code}, signal ${signal}`));
  return worker;
}

/** Waits for a freshly started worker, seeds both designs, warms up and measures every operation. */
async function benchmark() {
  const waitStarted = Date.now();
  await waitForHttp(`${BASE_URL}/health`, { timeoutMs: 60_000, accept: (response) => response.ok });
  console.log(`ready in ${((Date.now() - waitStarted) / 1000).toFixed(1)} s`);

  const seedStarted = Date.now();
  // Seeded timestamps sit in the past, so live posts always sort after them.
  const seeded = await seed(Date.now() - 1e8);
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const stats = await call("/stats");
  console.log(
    `Seeded ${CONFIG.conversations.toLocaleString("en-US")} conversations × ${2 * CONFIG.exchanges} messages ` +
      `(${stats.pending} pending, ${stats.feedWindow.lastSeq.toLocaleString("en-US")} feed entries) into both designs in ${seedSeconds.toFixed(1)} s`,
  );

  const specs = operations(seeded);
  process.stdout.write(`Warming up (${CONFIG.warmup} of each)... `);
  for (const spec of specs) await measure(spec, CONFIG.warmup, "warm");
  console.log("done");

  const results = [];
  for (const spec of specs) {
    const opStarted = Date.now();
    process.stdout.write(`Measuring ${spec.name} × ${CONFIG.iterations}... `);
    const samples = await measure(spec, CONFIG.iterations, "bench");
    check(spec, samples);
    const [queue, baseline] = DESIGNS.map((design) => summarize(samples[design]));
    results.push({ op: spec.op, name: spec.name, queue, baseline, ratio: { reads: ratio(baseline.reads, queue.reads), p50: ratio(baseline.p50, queue.p50) } });
    console.log(`${((Date.now() - opStarted) / 1000).toFixed(1)} s`);
  }
  return { specs, results, stats, seedSeconds };
}

/** Prints the table, the notes and the headline; returns the section's part of results.json. */
function report({ specs, results, stats, seedSeconds }, startedAt, attempts) {
  const durationSeconds = (Date.now() - startedAt) / 1000;
  console.log(`\n${table(results)}\n`);
  console.log("base = the old design (bench/baseline-queue.ts); rtt = client round trip through wrangler dev; in worker = around the DO call, 1 ms resolution.");
  // The real queue's costs should be constants; say so when one is not, and why if that is expected.
  const range = ([min, max]) => (min === max ? `${min}` : `${min}-${max}`);
  for (const [index, r] of results.entries()) {
    const [reads, writes] = [r.queue.readsRange, r.queue.writesRange];
    if (reads[0] === reads[1] && writes[0] === writes[1]) continue;
    console.log(`Note: the queue's ${r.name} read ${range(reads)} rows, wrote ${range(writes)}${specs[index].varies ? ` (${specs[index].varies})` : " (unexpected)"}.`);
  }
  const poll = results.find((r) => r.op === "pending");
  // The incident note's bot polled every 3 s: 864,000 polls a month.
  const monthly = (reads) => (reads * 864_000).toLocaleString("en-US");
  console.log(
    `Headline: a pending poll reads ${poll.queue.reads} rows on the queue and ${poll.baseline.reads.toLocaleString("en-US")} on the baseline ` +
      `(one per conversation); at one poll every 3 s that is ${monthly(poll.queue.reads)} vs ${monthly(poll.baseline.reads)} rows read a month.`,
  );

  const output = {
    metadata: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      conversations: CONFIG.conversations,
      messagesPerConversation: 2 * CONFIG.exchanges,
      pendingMessages: stats.pending,
      feedEntries: stats.feedWindow.lastSeq,
      iterations: CONFIG.iterations,
      warmup: CONFIG.warmup,
      attempts,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      durationSeconds: Number(durationSeconds.toFixed(1)),
      notes: "reads/writes: mean SQLite rows per op (readsRange/writesRange: min, max). p50/p99: client round trip in ms; workerP50: timed inside the bench worker around the Durable Object call. ratio = baseline / queue; null when the queue's value is 0.",
    },
    operations: results,
  };
  console.log(`The queue section took ${durationSeconds.toFixed(0)} s.`);
  return output;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The queue section: its own worker, fresh state, up to MAX_ATTEMPTS if the worker is stopped from outside. */
async function queueSection() {
  const startedAt = Date.now();
  await assertPortFree();
  const bundleDir = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-"));
  // Not inside bundleDir: wrangler dev --no-bundle watches the bundle's folder and would reload on registry writes.
  WRANGLER_ENV.WRANGLER_REGISTRY_PATH = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-registry-"));
  const log = [];
  let worker;
  const removeDirs = () => Promise.all([bundleDir, WRANGLER_ENV.WRANGLER_REGISTRY_PATH].map((dir) => rm(dir, { recursive: true, force: true })));
  cleanUps.push(async () => {
    await stop(worker);
    await removeDirs();
  });
  try {
    process.stdout.write(`Bundling and starting the bench worker on :${PORT}... `);
    await bundle(bundleDir);
    for (let attempt = 1; ; attempt++) {
      // A fresh state every attempt: a run must not inherit rows from the last one.
      await rm(PERSIST_TO, { recursive: true, force: true });
      worker = startWorker(bundleDir, log);
      try {
        return report(await benchmark(), startedAt, attempt);
      } catch (error) {
        await sleep(500); // let a dying worker's exit event land
        // On a shared machine another tool's cleanup may stop our worker (a recycled pid): start over.
        const killed = worker.exitCode !== null || worker.signalCode !== null;
        if (!killed || attempt === MAX_ATTEMPTS) throw error;
        try {
          process.kill(-worker.pid, "SIGKILL"); // any workerd of ours that outlived wrangler would hold the port
        } catch {}
        console.log(`\nThe bench worker went away mid-run (${log.at(-1)}); starting over, attempt ${attempt + 1} of ${MAX_ATTEMPTS}.`);
        process.stdout.write("Starting the bench worker again... ");
      }
    }
  } catch (error) {
    error.workerLog = log.join("\n");
    throw error;
  } finally {
    await stop(worker);
    await removeDirs();
  }
}

const cleanUps = [stopEndToEndWorker];

function reportFailure(section, error) {
  const cause = error.cause ? `\nCaused by: ${error.cause.stack ?? error.cause}` : "";
  const log = error.workerLog ? `\n--- last lines of the ${section} worker log ---\n${error.workerLog}` : "";
  console.error(`\nBench (${section}) failed: ${error.stack ?? error}${cause}${log}`);
  process.exitCode = 1;
}

async function main() {
  const startedAt = Date.now();
  const onSignal = async () => {
    for (const cleanUp of cleanUps) await cleanUp().catch(() => {});
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  // A section that is not run keeps its numbers from the last results.json.
  const output = await readFile(RESULTS, "utf8").then((text) => JSON.parse(text), () => ({}));
  if (SECTIONS.includes("queue")) {
    console.log("== Queue: MessageQueue vs. the seed's scan-everything design ==");
    try {
      Object.assign(output, await queueSection());
    } catch (error) {
      delete output.metadata;
      delete output.operations;
      reportFailure("queue", error);
    }
  }
  if (SECTIONS.includes("e2e")) {
    console.log("\n== End-to-end: the real sidecar, per user action, and seed 002's month ==");
    try {
      output.endToEnd = summarizeEndToEnd(await runEndToEnd());
      printEndToEnd(output.endToEnd);
      // From this run's counts: the shared resources per action and their ceilings (bench/capacity.mjs).
      output.capacity = await summarizeCapacity(output.endToEnd);
      printCapacity(output.capacity);
      // The plain exchange's rule (bench/e2e-plain.mjs): the numbers stay in results.json, the run fails.
      const plain = output.endToEnd.measured.builtin.scenarios;
      await printPlainExchange(plain);
      const problems = await plainExchangeProblems(plain);
      output.endToEnd.plainExchangeProblems = problems;
      if (problems.length) reportFailure("e2e", new Error(`the plain exchange broke its rule:\n  ${problems.join("\n  ")}`));
      else console.log("Plain exchange: within its rule in every sample.");
    } catch (error) {
      delete output.endToEnd;
      delete output.capacity;
      reportFailure("e2e", error);
    }
  }
  if (SECTIONS.includes("bundles")) {
    console.log("\n== Bundles: the JavaScript each page ships (gzipped), from a fresh production build ==");
    try {
      // Built here, so the numbers are this checkout's and never a stale .next's (~1 min on 2 cores).
      await promisify(execFile)(path.join(ROOT, "node_modules/.bin/next"), ["build"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
      output.bundles = await measureBundles();
      printBundles(output.bundles);
    } catch (error) {
      delete output.bundles;
      reportFailure("bundles", error);
    }
  }
  await writeFile(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nWrote bench/results.json; the whole run took ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`);
}

await main();
