// `npm run load`: N simulated students (each with their own owner cookie and chat) send M
// messages each through the production build while a fault is injected, then every chat is read
// back from storage and checked: nothing lost, nothing duplicated, everything answered.
//
//   --students N          (50)   --messages M (20)
//   --centers N           (1) the first center and N-1 made with center:create (math, lang, writing, …);
//                         students are spread round-robin, each at its center's host (<id>.localhost)
//   --fault KIND          restart (default): the sidecar is stopped and started again at ~40% of sends;
//                         crash: the same, but killed (SIGKILL) with exchanges in flight;
//                         bot-crash: BOT_MODE=external, reference bots answer, one bot claims and never completes;
//                         none
//   --budget-ms MS        (120000) how long one send may keep retrying before it counts as never accepted
//   --no-build            use .open-next as it is (by default it is rebuilt when missing or older than the sources)
//   --web-port, --sidecar-port (8793, 8794)   --bots N (2, bot-crash only)   --lease-ms MS (5000, the crashed lease)
//   --think-ms MIN-MAX    (1500-4000) pause after an answer   --fault-at F (0.4)   --keep-state
//
// Prints a table, writes bench/results/load-<fault>.json, exits 1 if any send was lost,
// duplicated, unanswered or never accepted, if an owner cookie is of another center than its
// student's, or if a center's analytics (chat_started, message) differ from what its own
// students stored. See README.md, "Load test".
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { checkStudent, printSummary, summarize } from "./lib/load-report.mjs";
import { centerBaseUrl, centersFor, resolveLocalhostSubdomains, checkCenterAnalytics, printCenters } from "./lib/load-centers.mjs";
import { Stack } from "./lib/load-stack.mjs";
import { Observations, Student, scriptFor } from "./lib/load-student.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const FAULTS = ["restart", "crash", "bot-crash", "none"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { values: flags } = parseArgs({
  options: {
    students: { type: "string", default: "50" },
    messages: { type: "string", default: "20" },
    centers: { type: "string", default: "1" },
    fault: { type: "string", default: "restart" },
    "budget-ms": { type: "string", default: "120000" },
    "no-build": { type: "boolean", default: false },
    "web-port": { type: "string", default: process.env.LOAD_WEB_PORT ?? "8793" },
    "sidecar-port": { type: "string", default: process.env.LOAD_SIDECAR_PORT ?? "8794" },
    bots: { type: "string", default: "2" },
    "lease-ms": { type: "string", default: "5000" },
    "think-ms": { type: "string", default: "1500-4000" },
    "fault-at": { type: "string", default: "0.4" },
    "ramp-ms": { type: "string", default: "5000" },
    "answer-timeout-ms": { type: "string", default: "90000" },
    "keep-state": { type: "boolean", default: false },
  },
});
if (!FAULTS.includes(flags.fault)) throw new Error(`--fault must be one of ${FAULTS.join(", ")}`);
// The reference bots hold the deployment's BOT_TOKEN, the first center's: another center's queue needs its own bots.
if (flags.fault === "bot-crash" && flags.centers !== "1") throw new Error("--fault bot-crash runs at one center (the bots answer the first center's queue)");
const options = {
  students: Number(flags.students),
  messages: Number(flags.messages),
  centers: Number(flags.centers),
  fault: flags.fault,
  botMode: flags.fault === "bot-crash" ? "external" : "builtin",
  budgetMs: Number(flags["budget-ms"]),
  webPort: Number(flags["web-port"]),
  sidecarPort: Number(flags["sidecar-port"]),
  bots: flags.fault === "bot-crash" ? Number(flags.bots) : 0,
  leaseMs: Number(flags["lease-ms"]),
  thinkMs: flags["think-ms"].split("-").map(Number),
  faultAt: Number(flags["fault-at"]),
  rampMs: Number(flags["ramp-ms"]),
  answerTimeoutMs: Number(flags["answer-timeout-ms"]),
};

/** Fault 2's crashing bot: claims the best pending message with a short lease, then is never heard from again. */
async function crashingBot(stack, fault) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { status, body } = await stack.botApi("POST", "/api/queue/claim-next", { workerId: "crashing-bot", leaseMs: options.leaseMs }).catch(() => ({}));
    if (status === 200 && body?.lease) {
      Object.assign(fault, { messageId: body.lease.messageId, sessionId: body.lease.sessionId, claimedAt: Date.now(), leaseExpiresAt: body.lease.leaseExpiresAt });
      console.log(`Fault: crashing-bot claimed ${body.lease.messageId} for ${options.leaseMs} ms and crashed.`);
      return;
    }
    await sleep(50);
  }
  fault.note = "the crashing bot found nothing to claim within 60 s";
}

async function injectFault(stack, fault) {
  if (fault.kind === "restart" || fault.kind === "crash") {
    const crash = fault.kind === "crash";
    console.log(`Fault: ${crash ? "killing the sidecar (SIGKILL" : "stopping the sidecar (SIGTERM"} to its process group) and starting it again...`);
    Object.assign(fault, await stack.restartSidecar({ crash }));
    fault.at = fault.stoppedAt;
    console.log(`Fault: sidecar healthy again after ${((fault.healthyAt - fault.stoppedAt) / 1000).toFixed(1)} s.`);
  } else if (fault.kind === "bot-crash") {
    fault.at = Date.now();
    fault.leaseMs = options.leaseMs;
    await crashingBot(stack, fault);
  }
}

/** Who answered the crashed message in the end, and how long after the crash: from storage and the bots' logs. */
function crashOutcome(fault, storedBySession) {
  if (!fault.messageId) return;
  const stored = storedBySession.get(fault.sessionId) ?? [];
  const question = stored.find((message) => message.id === fault.messageId);
  const reply = question && stored.find((message) => message.seq > question.seq && message.role === "assistant");
  if (!reply) return;
  fault.recoveredAfterMs = reply.createdAt - fault.claimedAt;
  const logs = path.join(ROOT, ".wrangler/load-logs");
  const answeredBy = readdirSync(logs)
    .filter((name) => name.startsWith("bot-"))
    .find((name) => readFileSync(path.join(logs, name), "utf8").includes(`answered ${fault.messageId}`));
  fault.answeredBy = answeredBy ? `load-${answeredBy.replace(/\.log$/, "")}` : "unknown";
}

async function main() {
  const centers = centersFor(options.centers);
  resolveLocalhostSubdomains();
  console.log(`Load test: ${options.students} students × ${options.messages} messages at ${centers.length} center(s), fault ${options.fault}, BOT_MODE=${options.botMode}, budget ${options.budgetMs} ms.`);
  const stack = new Stack({ webPort: options.webPort, sidecarPort: options.sidecarPort, botMode: options.botMode, bots: options.bots });
  let ok = false;
  // Registered before anything starts, so Ctrl-C during the build or the startup stops what did start.
  const shutdown = async () => {
    await stack.stopAll({ keepState: true });
    console.log(`\nInterrupted${stack.persistTo ? `; state kept in ${stack.persistTo}` : ""}.`);
    process.exit(130);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  try {
    await stack.start({ build: flags["no-build"] ? "never" : "auto" });
    for (const center of centers.slice(1)) {
      stack.createCenter(center);
      console.log(`Center ${center.id} created (host ${center.id}.localhost).`);
    }
    const observations = new Observations();
    const fault = { kind: options.fault };
    const total = options.students * options.messages;
    const faultAfter = Math.ceil(total * options.faultAt);
    let started = 0;
    let faultDone = Promise.resolve();
    const onSendStarted = () => {
      started++;
      if (started === faultAfter && options.fault !== "none") {
        fault.triggeredAtSend = started;
        faultDone = injectFault(stack, fault).catch((error) => (fault.error = error.message));
      }
    };
    const students = Array.from(
      { length: options.students },
      (_, index) =>
        new Student({
          index,
          baseUrl: centerBaseUrl(centers[index % centers.length].id, stack),
          center: centers[index % centers.length].id,
          script: scriptFor(index, options.messages),
          budgetMs: options.budgetMs,
          thinkMs: options.thinkMs,
          external: options.botMode === "external",
          answerTimeoutMs: options.answerTimeoutMs,
          observations,
          onSendStarted,
        }),
    );

    console.log(`Stack up on :${options.webPort} (sidecar :${options.sidecarPort}); ${total} sends, the fault at send ${faultAfter}...`);
    const startedAt = Date.now();
    const progress = setInterval(() => {
      const accepted = students.reduce((n, s) => n + s.sends.filter((send) => send.accepted).length, 0);
      console.log(`  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${started} sends started, ${accepted} accepted`);
    }, 10_000);
    const outcomes = await Promise.allSettled(
      students.map(async (student, index) => {
        await sleep((index * options.rampMs) / options.students);
        await student.run();
      }),
    );
    clearInterval(progress);
    await faultDone;
    const finishedAt = Date.now();
    const crashed = outcomes.filter((outcome) => outcome.status === "rejected");
    for (const outcome of crashed) console.error(`A student stopped early: ${outcome.reason?.message ?? outcome.reason}`);

    console.log("Reading every chat back from storage...");
    const storedBySession = new Map();
    for (const student of students) storedBySession.set(student.sessionId, student.cookie ? await student.readStoredMessages() : []);
    crashOutcome(fault, storedBySession);
    const checks = students.map((student) => checkStudent(student, storedBySession.get(student.sessionId), { external: options.botMode === "external" }));
    const result = summarize({ options, students, checks, startedAt, finishedAt, fault, observations });
    result.studentsStoppedEarly = crashed.length;
    console.log("Reading each center's analytics through the staff API...");
    result.centers = await checkCenterAnalytics(stack, centers, students, storedBySession);
    const centerMismatches = result.centers.filter((row) => !row.match).length;
    if (centerMismatches) result.problems.push(...result.centers.filter((row) => !row.match).map((row) => ({ analytics: row })));

    const file = path.join(ROOT, "bench/results", `load-${options.fault}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    printSummary(result);
    printCenters(result.centers);
    if (fault.error) console.log(`The fault itself failed: ${fault.error}`);
    if (fault.note) console.log(`Note: ${fault.note}`);
    console.log(`Written to ${path.relative(ROOT, file)}.`);
    const { lost, duplicated, unanswered, neverAccepted, unexpected } = result.totals;
    ok = lost + duplicated + unanswered + neverAccepted + unexpected + result.totals.wrongCenter + centerMismatches === 0 && crashed.length === 0 && !fault.error;
    if (!ok) console.log(`FAILED: see "problems" in ${path.relative(ROOT, file)}; state kept in ${stack.persistTo}, logs in .wrangler/load-logs/.`);
  } finally {
    await stack.stopAll({ keepState: !ok || flags["keep-state"] });
  }
  process.exit(ok ? 0 : 1);
}

await main();
