import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "../../lib/zod";
import { TEST_CLIENT } from "../../tests/support/oidc-provider.mjs";
import { e2eClockOffset } from "./clock";

/**
 * The sidecar worker as a process the tests can stop and start again: its pid
 * lives in a file because global setup, the tests and teardown run in
 * different processes.
 */
const PID_FILE = ".wrangler/e2e-sidecar.pid";
const MODE_FILE = ".wrangler/e2e-sidecar.mode";
export const SIDECAR_PORT = Number(process.env.SIDECAR_PORT ?? 8788);
export const MAIL_SINK_PORT = Number(process.env.MAIL_SINK_PORT ?? 8790);
/** Where the web worker under test answers: the "stop these emails" link in every email points there, and campus sign-in comes back there. */
export const SITE_URL = process.env.SITE_URL ?? `http://127.0.0.1:${process.env.WEB_PORT ?? 8787}`;
const MAIL_SINK_PID_FILE = ".wrangler/e2e-mail-sink.pid";

/** Starts the sidecar unless it runs already; `botMode` restarts it when it runs in the other mode. */
export async function startSidecar(options: { botMode?: "builtin" | "external" } = {}): Promise<void> {
  const botMode = options.botMode ?? "builtin";
  if (await sidecarHealthy()) {
    if (runningMode() === botMode) return;
    await stopSidecar();
  }
  const child = spawn(
    "wrangler",
    ["dev", "-c", "workers/wrangler.toml", "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state", "--port", String(SIDECAR_PORT), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false", "--var", `BOT_MODE:${botMode}`,
     "--var", `MAIL_API_URL:http://127.0.0.1:${MAIL_SINK_PORT}`, "--var", "DEV_MAIL:1", "--var", `SITE_URL:${SITE_URL}`, "--var", `CLOCK_OFFSET_MS:${e2eClockOffset()}`, "--var", "ANALYTICS_REPORT_AFTER_MS:0",
     // The test OpenID provider's client secret (never a real one): campus sign-in stays off until a spec sets the center's issuer (e2e/support/oidc.ts).
     "--var", `OIDC_CLIENT_SECRET:${TEST_CLIENT.client_secret}`],
    { detached: true, stdio: "ignore" },
  );
  child.unref();
  writeFileSync(PID_FILE, String(child.pid));
  writeFileSync(MODE_FILE, botMode);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await sidecarHealthy()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the sidecar did not start within 90 s");
}

export async function stopSidecar(): Promise<void> {
  rmSync(MODE_FILE, { force: true });
  await stopByPidFile(PID_FILE);
}

/**
 * A crash of the sidecar and its restart: its process group is killed at once (SIGKILL: no
 * clean-up, nothing still in memory is written), then the same sidecar is started again on the
 * same persistence folder, port and bot mode (`whileDown` runs in between). Returns once the web
 * worker reaches it again (`/api/health` says `persistence: true`), so the next request is served
 * by the new process.
 */
export async function crashAndRestartSidecar(whileDown?: () => Promise<void>): Promise<void> {
  const mode = runningMode() === "external" ? "external" : "builtin";
  await stopByPidFile(PID_FILE, "SIGKILL");
  await whileDown?.();
  // A killed wrangler leaves its dev-registry entry: the new one would stay unregistered for 90 s.
  await clearDeadRegistration("tutor-chat-sidecar");
  await startSidecar({ botMode: mode });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await webReachesSidecar()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the web worker did not reach the restarted sidecar within 90 s");
}

/** The local mail sink the sidecar mails through (workers/mail-sink/); started once for the whole run. */
export async function startMailSink(): Promise<void> {
  if (await healthy(MAIL_SINK_PORT)) return;
  const child = spawn(
    "wrangler",
    ["dev", "-c", "workers/mail-sink/wrangler.toml", "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state", "--port", String(MAIL_SINK_PORT), "--ip", "127.0.0.1", "--inspector-port", "0", "--show-interactive-dev-session=false"],
    { detached: true, stdio: "ignore" },
  );
  child.unref();
  writeFileSync(MAIL_SINK_PID_FILE, String(child.pid));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await healthy(MAIL_SINK_PORT)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the mail sink did not start within 90 s");
}

export async function stopMailSink(): Promise<void> {
  await stopByPidFile(MAIL_SINK_PID_FILE);
}

async function stopByPidFile(file: string, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8"));
  rmSync(file);
  // A pid file left by a killed run may name a pid reused by something else: only stop our wrangler.
  if (!isWrangler(pid)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return; // the process group is gone
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(-pid, "SIGKILL");
}

function isWrangler(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("wrangler");
  } catch {
    return false; // gone already
  }
}

function runningMode(): string {
  return existsSync(MODE_FILE) ? readFileSync(MODE_FILE, "utf8") : "builtin";
}

/** Whether the web worker under test reaches the sidecar through its binding (its health check says persistence). */
async function webReachesSidecar(): Promise<boolean> {
  try {
    const response = await fetch(`${SITE_URL}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { persistence?: unknown }).persistence === true;
  } catch {
    return false;
  }
}

/**
 * Withdraws a worker's dev-registry entry when the process that wrote it is dead (nothing listens
 * at its debug address any more), as scripts/lib/processes.mjs does before `npm run dev` and the tests.
 */
async function clearDeadRegistration(workerName: string): Promise<void> {
  const file = path.join(devRegistryPath(), workerName);
  const read = () => {
    try {
      return RegistryEntry.safeParse(JSON.parse(readFileSync(file, "utf8"))).data;
    } catch {
      return undefined;
    }
  };
  const entry = read();
  if (!entry) return;
  // A process group just killed may still be closing its sockets: give it two seconds to go.
  for (let tries = 0; await listening(entry.debugPortAddress); tries++) {
    if (tries >= 20) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (read()?.instanceId === entry.instanceId) rmSync(file, { force: true });
}

/** What a dev-registry entry holds that says whether its process lives (wrangler writes more). */
const RegistryEntry = z.object({ debugPortAddress: z.string(), instanceId: z.unknown() });

/** The dev registry folder wrangler uses (the environment's, as the test runner sets it, else wrangler's default). */
function devRegistryPath(): string {
  const fromEnv = process.env.CLOUDFLARE_DEV_REGISTRY_PATH || process.env.WRANGLER_REGISTRY_PATH;
  if (fromEnv) return path.resolve(fromEnv);
  const legacy = path.join(os.homedir(), ".wrangler");
  if (existsSync(legacy)) return path.join(legacy, "registry");
  return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config"), ".wrangler", "registry");
}

/** Whether something accepts TCP connections at `host:port`; a timeout counts as yes. */
function listening(address: string): Promise<boolean> {
  const host = address.slice(0, address.lastIndexOf(":"));
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(1_000, () => done(true));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function sidecarHealthy(): Promise<boolean> {
  return healthy(SIDECAR_PORT);
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}
