// `npm run bot`: a reference external bot that proves the queue protocol over
// HTTP only. It claims the best pending message, reads the conversation for
// context, answers, and completes the lease. The "model" is a fake (a fixed,
// deterministic reply): swap `think` for a real LLM call.
//
//   BASE_URL   the site (default http://127.0.0.1:8787)
//   BOT_TOKEN  the bearer token (default: read from workers/.dev.vars)
//   WORKER_ID  this bot's name in leases (default reference-bot-<pid>)
//   THINK_MS   how long the fake model "thinks" before answering (default 0), so a student sees typing
// Run the sidecar with BOT_MODE=external so the built-in assistant stays out of the way.
import { existsSync, readFileSync } from "node:fs";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8787";
const WORKER_ID = process.env.WORKER_ID ?? `reference-bot-${process.pid}`;
const BOT_TOKEN = process.env.BOT_TOKEN ?? readDevVar("workers/.dev.vars", "BOT_TOKEN");
const IDLE = { first: 250, factor: 2, max: 5_000 };
const THINK_MS = Number(process.env.THINK_MS ?? 0);

function readDevVar(file, name) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run setup, or set ${name}`);
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`${name} is not in ${file}`);
  return line.slice(name.length + 1).trim();
}

async function api(method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${BOT_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(data?.error ?? data)}`);
  return data;
}

/** The fake model: a fixed reply that shows the bot saw the message and its context. */
function think(lease, context) {
  const earlier = context.entries.filter((entry) => entry.kind === "message").length - 1;
  return `Reference bot here. You said: "${lease.content.slice(0, 200)}". I can see ${earlier} earlier message${earlier === 1 ? "" : "s"} in this chat.`;
}

let running = true;
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (running = false));

let idle = 0;
console.log(`[bot] ${WORKER_ID} polling ${BASE_URL}`);
while (running) {
  try {
    const { lease, kvStats } = await api("POST", "/api/queue/claim-next", { workerId: WORKER_ID });
    if (!lease) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(IDLE.first * IDLE.factor ** idle++, IDLE.max)));
      continue;
    }
    idle = 0;
    const context = await api("GET", `/api/conversation?sessionId=${encodeURIComponent(lease.sessionId)}&limit=20`);
    if (THINK_MS > 0) await new Promise((resolve) => setTimeout(resolve, THINK_MS));
    const done = await api("POST", "/api/queue/complete", { messageId: lease.messageId, leaseId: lease.leaseId, reply: think(lease, context) });
    console.log(`[bot] answered ${lease.messageId} (claim rows r${kvStats.reads}/w${kvStats.writes}, complete rows r${done.kvStats.reads}/w${done.kvStats.writes})`);
  } catch (error) {
    console.error(`[bot] ${error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
console.log("[bot] stopped");
