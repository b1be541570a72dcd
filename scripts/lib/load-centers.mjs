// `npm run load -- --centers N`: the centers the students are spread over, and the check that each
// center's analytics hold exactly what its own students did (docs/centers.md): nothing lost, nothing
// counted at another center.
import { lookup as dnsLookup } from "node:dns";
import { Agent, setGlobalDispatcher } from "undici";
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

/**
 * Where a student of `center` opens the site: the first center at the stack's base URL, another at
 * `http://<id>.localhost:<port>`, its own host, as a browser would. (A client's `x-forwarded-host` does
 * not get through: OpenNext's edge converter overwrites it with the Host header.)
 */
export function centerBaseUrl(center, stack) {
  return center === FIRST_CENTER ? stack.baseUrl : `http://${center}.localhost:${stack.webPort}`;
}

/**
 * Node's fetch cannot resolve `*.localhost` (browsers map it to loopback): every fetch of this process
 * goes through an agent that does, so the Host header and Origin are the center's own.
 */
export function resolveLocalhostSubdomains() {
  const lookup = (hostname, options, callback) => {
    if (!hostname.endsWith(".localhost")) return dnsLookup(hostname, options, callback);
    return options?.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);
  };
  setGlobalDispatcher(new Agent({ connect: { lookup } }));
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
