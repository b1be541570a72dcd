// The stack `npm run load` drives: the OpenNext production build on wrangler dev, the sidecar,
// and in `BOT_MODE=external` the reference bots. Its own ports, dev registry and a fresh
// persistence folder, so it never binds to (or is bound by) a dev, test or bench stack on the
// same machine; it stops only the processes it started.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { clearDeadRegistration, kill, sidecarArgs, start, stop, waitForHttp, webPreviewArgs } from "./processes.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "node_modules/.bin");
const REGISTRY = path.join(ROOT, ".wrangler/load-registry");
const LOGS = path.join(ROOT, ".wrangler/load-logs");
/** What the web worker's build is made from; the sidecar runs from source under wrangler dev. */
const WEB_SOURCES = ["app", "lib", "worker.ts", "next.config.ts", "open-next.config.ts", "wrangler.toml", "package-lock.json", "public"];
const BUILD_OUTPUT = ".open-next/worker.js";

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** True when `.open-next` is missing or older than any web source. */
export function buildIsStale() {
  const output = path.join(ROOT, BUILD_OUTPUT);
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return WEB_SOURCES.some((entry) => newestMtime(path.join(ROOT, entry)) > built);
}

/** A secret from a git-ignored `.dev.vars` file (written by `npm run setup`). */
export function readDevVar(file, name) {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const line = text.split("\n").find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`${name} is not in ${file}: run npm run setup`);
  return line.slice(name.length + 1).trim();
}

async function answers(url) {
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
}

export class Stack {
  /** Every process this run started and has not stopped yet. */
  children = new Set();

  constructor({ webPort, sidecarPort, botMode, bots }) {
    Object.assign(this, { webPort, sidecarPort, botMode, bots });
    this.baseUrl = `http://127.0.0.1:${webPort}`;
    /** The web worker's SITE_ORIGIN (processes.mjs webPreviewArgs): the staff site. */
    this.siteOrigin = `http://localhost:${webPort}`;
    this.env = {
      PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
      WRANGLER_REGISTRY_PATH: REGISTRY,
      WRANGLER_SEND_METRICS: "false",
    };
  }

  /**
   * Builds if asked (`auto`: when .open-next is missing or stale), prepares a fresh state folder
   * (secrets, D1 migrations, catalog seed), then starts the sidecar, the web worker and the bots.
   * Every process logs to `.wrangler/load-logs/{name}.log`.
   */
  async start({ build }) {
    for (const port of [this.webPort, this.sidecarPort]) {
      if (await answers(`http://127.0.0.1:${port}/`)) throw new Error(`port ${port} is already taken; pick others with --web-port / --sidecar-port`);
    }
    const run = (command, args, { quiet = false, extra = {} } = {}) =>
      execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"], env: { ...process.env, ...this.env, ...extra } });
    if (build === "always" || (build === "auto" && buildIsStale())) {
      console.log("Building the web worker (npm run build:worker): .open-next is missing or older than the sources...");
      run("npm", ["run", "build:worker", "--silent"]);
    } else if (!existsSync(path.join(ROOT, BUILD_OUTPUT))) {
      throw new Error(".open-next is missing: run without --no-build");
    }

    this.persistTo = await mkdtemp(path.join(os.tmpdir(), "tutor-chat-load-"));
    rmSync(REGISTRY, { recursive: true, force: true });
    mkdirSync(LOGS, { recursive: true });
    console.log(`Fresh state in ${this.persistTo}: secrets, D1 migrations, catalog seed...`);
    run("node", ["scripts/setup.mjs"], { quiet: true, extra: { PERSIST_TO: this.persistTo } });
    if (this.botMode === "external") this.botToken = readDevVar("workers/.dev.vars", "BOT_TOKEN");

    await this.startSidecar();
    await this.startWeb();
    for (let i = 0; i < this.bots; i++) this.startBot(i);
  }

  spawn(name, command, args, extraEnv = {}) {
    const child = start(name, command, args, { quiet: true, env: { ...this.env, ...extraEnv } });
    const log = createWriteStream(path.join(LOGS, `${name}.log`), { flags: "a" });
    log.write(`--- ${new Date().toISOString()} ${command} ${args.join(" ")}\n`);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  async startSidecar() {
    // Each chat reports its analytics counts right after its messages (not after the hour), so the run can check them.
    const args = [...sidecarArgs(this.sidecarPort, this.persistTo, undefined, this.baseUrl), "--var", `BOT_MODE:${this.botMode}`, "--var", "ANALYTICS_REPORT_AFTER_MS:0"];
    this.sidecar = this.spawn("sidecar", path.join(BIN, "wrangler"), args);
    await waitForHttp(`http://127.0.0.1:${this.sidecarPort}/health`, { accept: (response) => response.ok });
  }

  async startWeb() {
    this.web = this.spawn("web", path.join(BIN, "wrangler"), webPreviewArgs(this.webPort, this.persistTo));
    await waitForHttp(`${this.baseUrl}/api/health`, {
      accept: (response) => response.ok && response.headers.get("set-cookie") !== null,
    });
  }

  startBot(index) {
    this.spawn(`bot-${index}`, process.execPath, ["scripts/reference-bot.mjs"], {
      BASE_URL: this.baseUrl,
      WORKER_ID: `load-bot-${index}`,
      BOT_TOKEN: this.botToken,
    });
  }

  /**
   * Fault 1: the sidecar's process group gets SIGTERM (`restart`) or SIGKILL (`crash`: exchanges in
   * flight die half-way, and wrangler's registry keeps the dead address until it is cleared), then
   * the same command starts again on the same persistence folder. Resolves with the timestamps of
   * the stop and of its health check answering again (the server's side of the outage; clients
   * measure their own).
   */
  async restartSidecar({ crash = false } = {}) {
    const stoppedAt = Date.now();
    if (crash) {
      await kill(this.sidecar);
      await clearDeadRegistration("tutor-chat-sidecar", REGISTRY);
    } else {
      await stop(this.sidecar);
    }
    const exitedAt = Date.now();
    await this.startSidecar();
    return { stoppedAt, exitedAt, healthyAt: Date.now() };
  }

  /** A bot-API call with the bot token; answers `{ status, body }`. */
  async botApi(method, pathname, body) {
    const response = await fetch(`${this.baseUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${this.botToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  /** `node scripts/center-create.mjs` against this stack's D1: a center reached at `<id>.localhost`. */
  createCenter({ id, name }) {
    execFileSync(process.execPath, ["scripts/center-create.mjs", "--id", id, "--name", name, "--host", `${id}.localhost`, "--admin-email", `admin@${id}.test`, "--base-url", this.siteOrigin], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...this.env, PERSIST_TO: this.persistTo },
    });
  }

  /** One statement on this stack's local D1 (the sidecar's binding); answers its rows. */
  d1(command) {
    const out = execFileSync(path.join(BIN, "wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", this.persistTo, "-c", "workers/wrangler.toml", "--json", "--command", command], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
      env: { ...process.env, ...this.env },
    });
    return JSON.parse(out)[0]?.results ?? [];
  }

  /**
   * A staff member of `center` and a live session, written straight to D1 as sign-in leaves them
   * (services/db/staff.ts: the token's SHA-256 is stored). Answers the token for the `tutor_staff` cookie.
   */
  staffSession(center) {
    const token = randomBytes(32).toString("base64url");
    const staffId = `staff-load-${center}-${randomBytes(4).toString("hex")}`;
    const now = Date.now();
    this.d1(
      `INSERT INTO staff_members (id, center_id, email, role, created_at) VALUES ('${staffId}', '${center}', '${staffId}@load.test', 'staff', ${now});
INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at) VALUES ('${createHash("sha256").update(token).digest("hex")}', '${staffId}', ${now}, ${now + 3_600_000});`,
    );
    return token;
  }

  /** The staff console's analytics totals (GET /api/staff/analytics) as the member of `token` sees them: yesterday to tomorrow by day. */
  async staffAnalyticsTotals(token) {
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const response = await fetch(`${this.baseUrl}/api/staff/analytics?from=${day(-1)}&to=${day(1)}&granularity=day`, {
      headers: { cookie: `tutor_staff=${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`GET /api/staff/analytics answered ${response.status}: ${await response.text()}`);
    return (await response.json()).totals;
  }

  /** Stops every process this run started (never anything else), and drops the state unless asked to keep it. */
  async stopAll({ keepState = false } = {}) {
    await Promise.all([...this.children].map(stop));
    if (this.persistTo && !keepState) rmSync(this.persistTo, { recursive: true, force: true });
  }
}
