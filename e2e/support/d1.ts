import { execFileSync } from "node:child_process";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { localNow, toClock } from "../../lib/calendar";
import { z } from "../../lib/zod";
import { stackNow } from "./clock";

/** What `wrangler d1 execute --json` prints: one entry per statement. */
const D1Answer = z.array(z.object({ results: z.array(z.object({ id: z.string() })).optional() }));

/**
 * A booking made through the chat, moved in the stack's local D1 (as `npm run staff:invite`
 * writes its invite there) to have started `minutesAgo` minutes ago at the center: no student can
 * book the past, and the schedule's attendance buttons need a session under way.
 */
export function startBookingNow(bookingId: string, minutesAgo = 5): { date: string; start: string; end: string } {
  if (!/^bk-[0-9a-f-]{32,36}$/.test(bookingId)) throw new Error(`not a booking id: ${bookingId}`);
  const local = localNow(new Date(stackNow() - minutesAgo * 60_000), DEFAULT_CENTER_POLICY.timeZone);
  // Ends within the day: the e2e clock runs at 10:00 center time, so this never wraps past midnight.
  const slot = { date: local.date, start: toClock(local.minutes), end: toClock(Math.min(local.minutes + 60, 24 * 60 - 1)) };
  const sql = `UPDATE bookings SET date = '${slot.date}', start = '${slot.start}', "end" = '${slot.end}' WHERE id = '${bookingId}' AND status = 'confirmed' RETURNING id`;
  const out = execFileSync(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state", "-c", "workers/wrangler.toml", "--json", "--command", sql],
    { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
  );
  const moved = D1Answer.parse(JSON.parse(out)).flatMap((statement) => statement.results ?? []);
  if (moved.length !== 1) throw new Error(`booking ${bookingId} was not moved: ${out}`);
  return slot;
}

/**
 * Addresses confirmed by their owners, as opening a sign-in link leaves them (services/accounts.ts):
 * their booking emails go. For specs about something else; e2e/accounts.spec.ts walks the real
 * confirmation. Written in the stack's local D1, as `startBookingNow` is.
 */
export function confirmAddresses(...emails: string[]): void {
  for (const email of emails) if (!/^[a-z0-9.+_-]+@[a-z0-9.-]+$/.test(email.toLowerCase())) throw new Error(`not an address: ${email}`);
  const values = emails.map((email) => `('${email.toLowerCase()}', 1)`).join(", ");
  const sql = `INSERT INTO mail_recipients (address, verified) VALUES ${values} ON CONFLICT (address) DO UPDATE SET verified = 1`;
  execFileSync("wrangler", ["d1", "execute", "DB", "--local", "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state", "-c", "workers/wrangler.toml", "--command", sql], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}
