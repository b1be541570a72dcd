// Starting and stopping the local workers for dev, preview, tests and the benchmark.
import { spawn } from "node:child_process";

export const WEB_PORT = Number(process.env.WEB_PORT ?? 8787);
export const SIDECAR_PORT = Number(process.env.SIDECAR_PORT ?? 8788);
/** Where local D1 and Durable Object state lives; tests use their own folder so they never touch dev data. */
export const PERSIST_TO = process.env.PERSIST_TO ?? ".wrangler/state";

/** Starts a command in its own process group, prefixing its output with `name`. */
export function start(name, command, args, { quiet = false, env = {} } = {}) {
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const prefix = (stream, target) =>
    stream.on("data", (chunk) => {
      if (quiet) return;
      for (const line of String(chunk).split("\n")) if (line.trim()) target.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}

/** Stops a process group started by `start`, waiting until it is gone. */
export async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `url` answers with `accept(response)`; rejects after `timeoutMs`. */
export async function waitForHttp(url, { timeoutMs = 120_000, accept = (response) => response.status < 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (accept(response)) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms: ${lastError?.message ?? lastError}`);
}

export function sidecarArgs(port = SIDECAR_PORT) {
  return ["dev", "-c", "workers/wrangler.toml", "--persist-to", PERSIST_TO, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false"];
}

export function webPreviewArgs(port = WEB_PORT) {
  return ["dev", "-c", "wrangler.toml", "--persist-to", PERSIST_TO, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false"];
}

/** Stops every child on Ctrl-C or termination. */
export function stopAllOnExit(children) {
  const shutdown = async () => {
    await Promise.all(children.map(stop));
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
