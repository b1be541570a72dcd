// The end-to-end section of `npm run bench`: the real sidecar (bench/e2e-sidecar.ts
// around workers/sidecar.ts) under wrangler dev, driven the way a browser, the web
// worker and a bot drive it, with every Durable Object call, SQLite row, D1 row and
// WebSocket frame counted per user action. See bench/README.md, "End-to-end cost".
// This file runs the section: bench/e2e-stack.mjs starts the worker,
// bench/e2e-scenarios.mjs measures, bench/e2e-report.mjs prices and prints.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { E2E_PORT, BASE_URL, PERSIST_TO, ROOT, prepareStack, withWorker } from "./e2e-stack.mjs";
import { LATENCY_SAMPLES, builtinRun, externalRun } from "./e2e-scenarios.mjs";
import { round } from "./report.mjs";

/** Bundles the bench sidecar, prepares a fresh D1 (migrations + catalog), runs the builtin and then the external mode. */
export async function runEndToEnd() {
  const answered = await fetch(`${BASE_URL}/bench/health`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
  if (answered) throw new Error(`port ${E2E_PORT} is already taken; stop whatever runs there first (or set BENCH_E2E_PORT)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-e2e-"));
  // A private dev registry, outside the bundle's folder: wrangler dev --no-bundle watches that folder and would reload on registry writes.
  const registry = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-bench-e2e-registry-"));
  const log = [];
  const startedAt = Date.now();
  try {
    process.stdout.write(`Bundling the e2e sidecar and preparing its D1 (${path.relative(ROOT, PERSIST_TO)})... `);
    const tutors = await prepareStack(dir, registry);
    console.log(`${tutors} tutors seeded`);

    process.stdout.write(`Measuring BOT_MODE=builtin on :${E2E_PORT} (scenarios, then ${LATENCY_SAMPLES} push-latency samples)... `);
    let phaseStart = Date.now();
    const builtin = await withWorker("builtin", dir, registry, log, builtinRun);
    console.log(`${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);

    process.stdout.write(`Measuring BOT_MODE=external on :${E2E_PORT}... `);
    phaseStart = Date.now();
    const external = await withWorker("external", dir, registry, log, externalRun);
    console.log(`${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
    return { builtin, external, seconds: round((Date.now() - startedAt) / 1000, 1) };
  } catch (error) {
    error.workerLog = log.join("\n");
    throw error;
  } finally {
    await Promise.all([dir, registry].map((folder) => rm(folder, { recursive: true, force: true })));
  }
}
