// What `npm run load` concludes: the students' sends checked against what storage holds, the
// client-side numbers (throughput, latency, errors, outage), one table and one JSON record.
import { grid, percentile } from "../../bench/report.mjs";
import { centerOfOwner } from "./load-centers.mjs";

const seconds = (ms) => (ms === null || ms === undefined ? null : Number((ms / 1000).toFixed(1)));

/**
 * One student's sends against the chat as stored:
 * - lost: a send answered 2xx whose id is not stored;
 * - duplicated: an id stored more than once, or one content stored more often than it was sent;
 * - unexpected: a stored user message whose id the student never sent;
 * - unanswered: a stored user message with no assistant message after it (before the next user message);
 * - repliedTwice (external mode): a user message with more than one bot reply;
 * - wrongCenter: the owner cookie's owner was made at another center than the student's
 *   (lib/server/owner-cookie.ts: `owner-{hex}` is the first center's, `owner-{hex}.{center}` another's);
 * - replayed: a send stored by an attempt the client saw fail, whose retry got the stored copy
 *   (the server's clock stamped it before the last attempt began): idempotency at work.
 */
export function checkStudent(student, stored, { external }) {
  const users = stored.filter((message) => message.role === "user");
  const byId = new Map();
  for (const message of users) byId.set(message.id, (byId.get(message.id) ?? 0) + 1);
  const sentIds = new Set(student.sends.map((send) => send.id));
  const count = (list, key) => list.reduce((map, item) => map.set(item[key], (map.get(item[key]) ?? 0) + 1), new Map());
  const sentContent = count(student.sends, "content");
  const storedContent = count(users, "content");

  const lost = student.sends.filter((send) => send.accepted && !byId.has(send.id)).map((send) => send.id);
  const duplicatedIds = [...byId].filter(([, n]) => n > 1).map(([id, n]) => ({ id, copies: n }));
  const duplicatedContent = [...storedContent]
    .filter(([content, n]) => n > (sentContent.get(content) ?? 0))
    .map(([content, n]) => ({ content, stored: n, sent: sentContent.get(content) ?? 0 }));
  const unexpected = users.filter((message) => !sentIds.has(message.id)).map((message) => message.id);

  const ordered = [...stored].sort((a, b) => a.seq - b.seq);
  const unanswered = [];
  const repliedTwice = [];
  ordered.forEach((message, i) => {
    if (message.role !== "user") return;
    let replies = 0;
    for (let j = i + 1; j < ordered.length && ordered[j].role !== "user"; j++) if (ordered[j].role === "assistant") replies++;
    if (replies === 0) unanswered.push(message.id);
    if (external && replies > 1) repliedTwice.push(message.id);
  });
  const storedAt = new Map(users.map((message) => [message.id, message.createdAt]));
  const replayed = student.sends.filter((send) => send.accepted && send.attempts > 1 && storedAt.get(send.id) < send.lastAttemptAt).length;
  const neverAccepted = student.sends.filter((send) => !send.accepted).map((send) => ({ id: send.id, status: send.finalStatus ?? "budget", storedAnyway: byId.has(send.id) }));
  const owner = student.ownerId;
  const wrongCenter = owner !== null && centerOfOwner(owner) !== student.center ? owner : null;
  return {
    sessionId: student.sessionId,
    center: student.center,
    wrongCenter,
    stored: stored.length,
    lost,
    duplicated: duplicatedIds.reduce((n, d) => n + d.copies - 1, 0) + duplicatedContent.reduce((n, d) => n + d.stored - d.sent, 0),
    duplicatedIds,
    duplicatedContent,
    unexpected,
    unanswered,
    repliedTwice,
    neverAccepted,
    replayed,
  };
}

/**
 * The fault as the clients saw it: from the first failed request at or after `since` to the
 * first success after it; also the span from that first failure to the last one.
 */
export function clientOutage(events, since) {
  const after = events.filter((event) => event.at >= since).sort((a, b) => a.at - b.at);
  const firstFailure = after.find((event) => event.kind === "error");
  if (!firstFailure) return { firstFailureAt: null, outageMs: 0, failureSpanMs: 0 };
  const recovered = after.find((event) => event.kind === "ok" && event.at > firstFailure.at);
  const lastFailure = after.filter((event) => event.kind === "error").at(-1);
  return {
    firstFailureAt: firstFailure.at,
    recoveredAt: recovered?.at ?? null,
    outageMs: recovered ? recovered.at - firstFailure.at : null,
    failureSpanMs: lastFailure.at - firstFailure.at,
  };
}

/** BOT_MODE=external: from a send's first attempt to the student seeing the bot's reply. */
function answerLatency(answered) {
  const waits = answered.map((send) => send.answeredAt - send.startedAt);
  return { p50: percentile(waits, 50), p95: percentile(waits, 95), max: waits.length ? Math.max(...waits) : null, answered: answered.length };
}

export function summarize({ options, students, checks, startedAt, finishedAt, fault, observations }) {
  const sends = students.flatMap((student) => student.sends);
  const accepted = sends.filter((send) => send.accepted);
  const latencies = accepted.map((send) => send.latencyMs);
  const errors = {};
  for (const send of sends) for (const [status, n] of Object.entries(send.errors)) errors[status] = (errors[status] ?? 0) + n;
  const rateLimited = sends.reduce((n, send) => n + send.rateLimited, 0);
  const sum = (pick) => checks.reduce((n, check) => n + pick(check), 0);
  const lastAccepted = Math.max(...accepted.map((send) => send.acceptedAt), startedAt);
  const sendSeconds = (lastAccepted - startedAt) / 1000;
  const answered = sends.filter((send) => send.answeredAt);
  const totals = {
    lost: sum((c) => c.lost.length),
    duplicated: sum((c) => c.duplicated),
    unexpected: sum((c) => c.unexpected.length),
    unanswered: sum((c) => c.unanswered.length),
    neverAccepted: sum((c) => c.neverAccepted.length),
    repliedTwice: sum((c) => c.repliedTwice.length),
    replayed: sum((c) => c.replayed),
    wrongCenter: checks.filter((c) => c.wrongCenter).length,
  };
  return {
    date: new Date().toISOString(),
    options,
    students: students.length,
    messagesPerStudent: options.messages,
    sends: sends.length,
    accepted: accepted.length,
    durationSeconds: seconds(finishedAt - startedAt),
    throughputPerSecond: Number((accepted.length / Math.max(sendSeconds, 0.001)).toFixed(2)),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.length ? Math.max(...latencies) : null,
    },
    ...(options.botMode === "external"
      ? { answerLatencyMs: answerLatency(answered) }
      : {}),
    errorsByStatus: errors,
    rateLimited,
    retries: sends.reduce((n, send) => n + send.attempts - 1, 0),
    fault: { ...fault, client: fault.at ? clientOutage(observations.events, fault.at) : null },
    totals,
    problems: checks.filter((c) => c.wrongCenter || c.lost.length || c.duplicated || c.unexpected.length || c.unanswered.length || c.neverAccepted.length || c.repliedTwice.length),
  };
}

export function printSummary(result) {
  const { totals, latencyMs, fault } = result;
  const errors = Object.entries(result.errorsByStatus).map(([status, n]) => `${status}: ${n}`).join(", ") || "none";
  const client = fault.client;
  const outage =
    fault.kind === "restart" || fault.kind === "crash"
      ? `${seconds(client?.outageMs) ?? "never recovered"} (failures over ${seconds(client?.failureSpanMs) ?? 0} s; sidecar down ${seconds(fault.healthyAt - fault.stoppedAt)} s)`
      : fault.kind === "bot-crash"
        ? fault.messageId
          ? `lease ${fault.leaseMs} ms; answered ${fault.recoveredAfterMs === undefined ? "never" : `${seconds(fault.recoveredAfterMs)} s after the claim by ${fault.answeredBy}`}`
          : "nothing claimed"
        : "-";
  console.log(
    `\n${grid(
      ["load test", "value"],
      [
        ["fault", fault.kind],
        ["students × messages", `${result.students} × ${result.messagesPerStudent} = ${result.sends} sends`],
        ["duration", `${result.durationSeconds} s`],
        ["throughput (accepted / s)", result.throughputPerSecond],
        ["latency p50 / p95 / p99 / max (first attempt → accepted)", `${latencyMs.p50} / ${latencyMs.p95} / ${latencyMs.p99} / ${latencyMs.max} ms`],
        ...(result.answerLatencyMs ? [["answer p50 / p95 / max (first attempt → bot reply seen)", `${result.answerLatencyMs.p50} / ${result.answerLatencyMs.p95} / ${result.answerLatencyMs.max} ms (${result.answerLatencyMs.answered} seen)`]] : []),
        ["errors by status (failed attempts)", errors],
        ["429 rate limited (waited Retry-After)", result.rateLimited],
        ["retries (of which replayed from storage)", `${result.retries} (${totals.replayed})`],
        [fault.kind === "bot-crash" ? "crash recovery" : "outage seen by clients, s", outage],
        ["accepted", `${result.accepted} of ${result.sends}`],
        ["lost / duplicated / unanswered / never accepted", `${totals.lost} / ${totals.duplicated} / ${totals.unanswered} / ${totals.neverAccepted}`],
        ["unexpected stored ids / replied twice", `${totals.unexpected} / ${totals.repliedTwice}`],
        ["centers / owner cookie of another center", `${result.options.centers} / ${totals.wrongCenter}`],
      ],
    )}`,
  );
}
