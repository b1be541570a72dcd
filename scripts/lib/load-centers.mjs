// `npm run load -- --centers N`: the centers the students are spread over, and the check that each
// center's analytics hold exactly what its own students did (docs/centers.md): nothing lost, nothing
// counted at another center.
import { grid } from "../../bench/report.mjs";

const FIRST_CENTER = "main";
const MORE_CENTERS = [
  ["math", "Math Lab"],
  ["lang", "Language Center"],
  ["writing", "Writing Center"],
  ["science", "Science Hub"],
  ["coding", "Coding Studio"],
  ["music", "Music Room"],
  ["history", "History Desk"],
];
const SETTLE_MS = 30_000;
const POLL_MS = 1_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The N centers of a run: the first center, then `math`, `lang`, `writing`, … (each reached at `<id>.localhost`). */
export function centersFor(count) {
  if (!Number.isInteger(count) || count < 1 || count > MORE_CENTERS.length + 1) throw new Error(`--centers must be 1 to ${MORE_CENTERS.length + 1}`);
  return [{ id: FIRST_CENTER, name: "the first center" }, ...MORE_CENTERS.slice(0, count - 1).map(([id, name]) => ({ id, name }))];
}

/** What a student of `center` sends on every request to be at that center: the first center is the base URL's own host. */
export function centerHeaders(center, webPort) {
  return center === FIRST_CENTER ? {} : { "x-forwarded-host": `${center}.localhost:${webPort}` };
}

/** The center an owner id was made at (lib/center/ids.ts `centerOfOwner`): what follows its last `.`, or the first center. */
export function centerOfOwner(ownerId) {
  const dot = ownerId.lastIndexOf(".");
  return dot < 0 ? FIRST_CENTER : ownerId.slice(dot + 1);
}

/** What each center's analytics must say: its students' chats that exist, and the distinct user messages stored in them. */
function expectedCounts(centers, students, storedBySession) {
  return centers.map(({ id }) => {
    const own = students.filter((student) => student.center === id);
    const stored = own.map((student) => storedBySession.get(student.sessionId) ?? []);
    return {
      center: id,
      students: own.length,
      sends: own.reduce((n, student) => n + student.sends.length, 0),
      chats: stored.filter((messages) => messages.length > 0).length,
      messages: stored.reduce((n, messages) => n + new Set(messages.filter((message) => message.role === "user").map((message) => message.id)).size, 0),
    };
  });
}

const matches = (row) => row.chatStarted === row.chats && row.message === row.messages;

/**
 * Reads every center's analytics through the staff API (a member and session of that center written
 * to D1) until they match what its students did, or SETTLE_MS passes: each chat reports right after
 * its messages (ANALYTICS_REPORT_AFTER_MS=0), and a report in flight may land a moment later.
 * Answers one row per center, with `match` false where the counts differ.
 */
export async function checkCenterAnalytics(stack, centers, students, storedBySession) {
  const rows = expectedCounts(centers, students, storedBySession);
  const tokens = new Map(centers.map(({ id }) => [id, stack.staffSession(id)]));
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    for (const row of rows) {
      try {
        const totals = await stack.staffAnalyticsTotals(tokens.get(row.center));
        Object.assign(row, { chatStarted: totals.chat_started ?? 0, message: totals.message ?? 0, error: undefined });
      } catch (error) {
        row.error = error.message;
      }
      row.match = !row.error && matches(row);
    }
    if (rows.every((row) => row.match) || Date.now() > deadline) return rows;
    await sleep(POLL_MS);
  }
}

export function printCenters(rows) {
  console.log(
    `\n${grid(
      ["center", "students", "sends", "chats", "messages stored", "analytics chat_started / message", "match"],
      rows.map((row) => [row.center, row.students, row.sends, row.chats, row.messages, row.error ? `error: ${row.error}` : `${row.chatStarted} / ${row.message}`, row.match ? "yes" : "NO"]),
    )}`,
  );
}
