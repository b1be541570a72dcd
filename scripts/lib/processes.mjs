// Starting and stopping the local workers for dev, preview, tests and the benchmark.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";

export const WEB_PORT = Number(process.env.WEB_PORT ?? 8787);
export const SIDECAR_PORT = Number(process.env.SIDECAR_PORT ?? 8788);
/** The local mail sink (workers/mail-sink/): the sidecar's Mailer posts there instead of the email provider. */
export const MAIL_SINK_PORT = Number(process.env.MAIL_SINK_PORT ?? 8790);
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

/**
 * Stops a process group started by `start`, waiting until it is gone: SIGTERM (a group that
 * ignores it is killed after 5 s), or SIGKILL for a crash with no clean-up.
 */
export async function stop(child, signal = "SIGTERM") {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  const timer =
    signal === "SIGKILL"
      ? undefined
      : setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
        }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** A crash: the process group is killed at once (its dev-registry entry stays behind). */
export const kill = (child) => stop(child, "SIGKILL");

/** Resolves once `url` answers with `accept(response)`; rejects after `timeoutMs`. */
/** The ports of `ports` something already listens on (127.0.0.1). */
export async function portsInUse(ports) {
  const { createServer } = await import("node:net");
  const taken = await Promise.all(
    ports.map(
      (port) =>
        new Promise((resolve) => {
          const server = createServer();
          server.once("error", () => resolve(port));
          server.listen(port, "127.0.0.1", () => server.close(() => resolve(null)));
        }),
    ),
  );
  return taken.filter((port) => port !== null);
}

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

/** The dev registry folder wrangler uses: where `wrangler dev` processes find each other's address. */
function devRegistryPath() {
  const fromEnv = process.env.CLOUDFLARE_DEV_REGISTRY_PATH || process.env.WRANGLER_REGISTRY_PATH;
  if (fromEnv) return path.resolve(fromEnv);
  const legacy = path.join(os.homedir(), ".wrangler");
  if (existsSync(legacy)) return path.join(legacy, "registry");
  const config =
    process.env.XDG_CONFIG_HOME ||
    (process.platform === "darwin" ? path.join(os.homedir(), "Library", "Preferences") : process.platform === "win32" ? path.join(process.env.APPDATA || path.join(os.homedir(), "AppData", "Roaming"), "xdg.config") : path.join(os.homedir(), ".config"));
  return path.join(config, ".wrangler", "registry");
}

/** Whether something accepts TCP connections at `host:port`; a timeout counts as yes. */
function listening(address) {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (alive) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(1_000, () => done(true));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Withdraws `workerName`'s dev registry entry when the process that wrote it is dead.
 * A `wrangler dev` that exits cleanly removes its own entry; one that is killed (SIGKILL,
 * a crash) leaves it, and a new `wrangler dev` of the same worker then refuses to register
 * until the entry is 90 s old, so its callers keep dialing the dead address (503) meanwhile.
 * Call it before starting the worker: once started, it waits out the 90 s regardless.
 */
export async function clearDeadRegistration(workerName, registry = devRegistryPath()) {
  const file = path.join(registry, workerName);
  const read = () => {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
  };
  const entry = read();
  if (typeof entry?.debugPortAddress !== "string") return;
  // A process group just killed may still be closing its sockets: give it two seconds to go.
  for (let tries = 0; await listening(entry.debugPortAddress); tries++) {
    if (tries >= 20) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (read()?.instanceId === entry.instanceId) rmSync(file, { force: true });
}

/**
 * The sidecar mails through the local sink, and lets /dev/mail read it (DEV_MAIL); `siteUrl` is where
 * the web worker answers, for the "stop these emails" link every email carries (SITE_URL).
 */
export function sidecarArgs(port = SIDECAR_PORT, persistTo = PERSIST_TO, mailSinkPort = MAIL_SINK_PORT, siteUrl = `http://localhost:${WEB_PORT}`) {
  return [
    "dev", "-c", "workers/wrangler.toml", "--persist-to", persistTo, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false",
    "--var", `MAIL_API_URL:http://127.0.0.1:${mailSinkPort}`, "--var", "DEV_MAIL:1", "--var", `SITE_URL:${siteUrl}`,
  ];
}

/** The production build, locally: /dev/mail on (DEV_MAIL), staff passkeys bound to this port's localhost (SITE_ORIGIN). */
export function webPreviewArgs(port = WEB_PORT, persistTo = PERSIST_TO) {
  return [
    "dev", "-c", "wrangler.toml", "--persist-to", persistTo, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false",
    "--var", "DEV_MAIL:1", "--var", `SITE_ORIGIN:http://localhost:${port}`,
  ];
}

export function mailSinkArgs(port = MAIL_SINK_PORT, persistTo = PERSIST_TO) {
  return ["dev", "-c", "workers/mail-sink/wrangler.toml", "--persist-to", persistTo, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false"];
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
