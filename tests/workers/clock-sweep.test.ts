import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { isLateCancel, startsAt, type CenterPolicy } from "../../lib/center/policy";
import { inQuietHours } from "../../lib/mail/reminders";
import type { ChatState } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { addDays, DEFAULT_TIME_ZONE, weekdayOf, zonedToEpoch } from "../../lib/calendar";
import { readCenterPolicy } from "../../services/db/center";
import { createFakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";

/**
 * The clock sweep: a booking's life by chat (book the first offer for tomorrow, ask to move it, take
 * the offer, cancel) at fixed instants across the week — every weekday early and late, the Sunday
 * evening that failed CI, and both daylight-saving changes. Whatever the hour, what the assistant
 * offers is what the action then does: an offered slot books, an offered move moves, a move inside
 * the cutoff is refused before anything is offered, a cancel is late exactly when the policy says,
 * and every reminder queued falls before the session and outside quiet hours.
 */
const sidecar = exports.default as unknown as SidecarApi;
const TIME_ZONE = DEFAULT_TIME_ZONE;
let policy: CenterPolicy;

/** [what it is, center-local date, center-local time]. */
const INSTANTS: [string, string, string][] = [
  ...["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12", "2026-12-13"].flatMap((date): [string, string, string][] => [
    [`${weekdayOf(date)} early morning`, date, "07:00"],
    [`${weekdayOf(date)} late evening`, date, "23:30"],
  ]),
  ["Sunday evening, tomorrow's session inside the cutoff", "2026-12-06", "18:30"],
  ["the night clocks go back (Nov 1)", "2026-10-31", "23:30"],
  ["the night clocks go forward (Mar 14)", "2027-03-13", "23:30"],
];

beforeAll(async () => {
  await seedCatalog();
  policy = await readCenterPolicy(env.DB, { center: FIRST_CENTER });
});

beforeEach(() => {
  vi.stubGlobal("fetch", createFakeMailApi().fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

const lastReply = (state: ChatState) => state.messages.filter((message) => message.role === "assistant").at(-1)?.content ?? "";

/** The first hour a Python tutor teaches on `date`'s weekday (the seed has one every day). */
function pythonHour(date: string): string {
  const day = weekdayOf(date);
  const hours = SEED_TUTORS.filter((tutor) => tutor.subjects.includes("Python")).flatMap((tutor) => tutor.availability.filter((range) => range.day === day));
  return hours.map((range) => range.start).sort()[0]!;
}

/** Books the first Python tutor offered for `date` through the chat, as a student types it. */
async function bookFirstOffer(date: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  await say(sessionId, ownerId, `I need help with Python on ${weekdayOf(date)} at ${pythonHour(date)}`);
  await say(sessionId, ownerId, "Book this tutor");
  const offered = await say(sessionId, ownerId, "yes");
  const tutor = SEED_TUTORS.find((entry) => entry.id === offered.bookingInfo?.tutorId);
  await say(sessionId, ownerId, "Ada Lovelace, ada@example.com");
  await say(sessionId, ownerId, `${tutor?.mode === "in_person" ? "In person" : "Online"}. Recursion`);
  const state = await say(sessionId, ownerId, "Confirm booking");
  return { sessionId, ownerId, state };
}

describe("a booking's life at fixed instants across the week", () => {
  it.each(INSTANTS)("%s (%s %s): every offer is honoured and every refusal is said before anything is offered", async (_label, date, time) => {
    const now = zonedToEpoch(date, time, TIME_ZONE);
    vi.setSystemTime(now);
    const tomorrow = addDays(date, 1);

    // Book: the offered slot is tomorrow's, and confirming it books it.
    const { sessionId, ownerId, state } = await bookFirstOffer(tomorrow);
    expect(state.bookingInfo?.step, state.messages.map((m) => `${m.role}: ${m.content}`).join("\n")).toBe("confirmed");
    const booked = state.bookingInfo!;
    expect(booked.slot?.date).toBe(tomorrow);
    const slot = booked.slot!;
    const bookingId = booked.bookingId!;
    const start = startsAt(policy, slot);
    expect(start).toBeGreaterThan(now);

    // Reminders: each queued one is before the session, after now and outside quiet hours.
    const outbox = env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
    const reminders = (await outbox.messages()).filter((message) => message.kind === "reminder" && message.status === "pending");
    for (const reminder of reminders) {
      expect(reminder.nextAttemptAt).not.toBeNull();
      expect(reminder.nextAttemptAt!).toBeGreaterThanOrEqual(now);
      expect(reminder.nextAttemptAt!).toBeLessThan(start);
      expect(inQuietHours(reminder.nextAttemptAt!, TIME_ZONE), new Date(reminder.nextAttemptAt!).toISOString()).toBe(false);
    }

    // Move: offered only when the policy would let it happen, and then it happens.
    const late = isLateCancel(policy, slot, new Date(now));
    const asked = await say(sessionId, ownerId, "Move my booking");
    if (late) {
      expect(lastReply(asked)).toMatch(/^This session can't be moved: the center allows changes up to 24 hours before the start/);
      expect(asked.bookingInfo?.moveOptions).toBeUndefined();
    } else {
      expect(lastReply(asked)).toMatch(/ Move your session from .+ to then/);
      const moved = await say(sessionId, ownerId, "yes");
      expect(lastReply(moved)).toMatch(/^Done: your session is moved to /);
    }

    // Cancel (confirming if the assistant asks): late exactly when the policy says, for where the booking now is.
    const where = await env.DB.prepare(`SELECT date, start FROM bookings WHERE id = ?1`).bind(bookingId).first<{ date: string; start: string }>();
    const lateNow = isLateCancel(policy, where!, new Date(now));
    let cancelled = await say(sessionId, ownerId, "cancel my booking");
    if (cancelled.bookingInfo?.step === "confirmed") cancelled = await say(sessionId, ownerId, "yes");
    expect(lastReply(cancelled)).toContain("is cancelled.");
    expect(lastReply(cancelled).includes("late cancellation")).toBe(lateNow);
    const row = await env.DB.prepare(`SELECT status, late_cancel AS late FROM bookings WHERE id = ?1`).bind(bookingId).first<{ status: string; late: number }>();
    expect(row).toEqual({ status: "cancelled", late: lateNow ? 1 : 0 });
  });
});
