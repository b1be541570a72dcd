import { env, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { COUNTERS, emptyCounts, type AnalyticsEvent, type AnalyticsQuery, type Counter, type Counts } from "../../lib/analytics/events";
import { seriesToCsv } from "../../lib/analytics/csv";
import { addDays, localNow } from "../../lib/calendar";
import type { ChatState } from "../../lib/schemas";
import { acceptUserMessage } from "../../services/assistant-turn";
import { FakeAuthenticator } from "../fakes/authenticator";
import { flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, TEST_NOW, unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";
import { analyticsObject } from "../../services/objects";

const ZONE = "America/Los_Angeles";
const HOUR = 60 * 60_000;
/** November 2026 in Los Angeles is PST: UTC-8 all day (DST ended on November 1). */
const PST = -8 * HOUR;

/** Each test's own Analytics object, so no other test's events land in it. */
function ownAnalytics() {
  return env.ANALYTICS.get(env.ANALYTICS.idFromName(`test-${crypto.randomUUID()}`));
}

type Scripted = [at: number, events: AnalyticsEvent[]];

const at = (utcHour: number, minute = 0) => TEST_NOW + utcHour * HOUR + minute * 60_000;

/**
 * A day at the center, 08:00 PST Nov 21 to 02:00 PST Nov 22 (16:00Z–10:00Z): it crosses
 * local midnight (08:00Z) and UTC midnight (TEST_NOW), several events share an hour,
 * and two staff replies make an average.
 */
const DAY: Scripted[] = [
  [at(-8, 5), [{ type: "chat_started" }, { type: "message" }]],
  [at(-8, 6), [{ type: "message" }]],
  [at(-8, 40), [{ type: "message" }, { type: "booking_made" }]],
  [at(-6, 10), [{ type: "chat_started" }, { type: "message" }, { type: "handoff" }]],
  [at(-5, 59), [{ type: "staff_first_reply", durationMs: 90_000 }]],
  [at(-1, 30), [{ type: "booking_cancelled" }, { type: "booking_late_cancelled" }]],
  [at(0, 0), [{ type: "chat_started" }, { type: "message" }, { type: "message" }]],
  [at(3, 15), [{ type: "no_show" }, { type: "feedback_up" }]],
  [at(7, 59), [{ type: "message" }, { type: "handoff" }]],
  [at(8, 0), [{ type: "chat_started" }, { type: "message" }, { type: "booking_made" }]],
  [at(8, 1), [{ type: "staff_first_reply", durationMs: 30_000 }, { type: "feedback_down" }]],
  [at(9, 59), [{ type: "booking_made" }, { type: "message" }]],
];

/** What the script adds up to, per key, computed apart from the code under test. */
function expected(keyOf: (at: number) => string): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const [when, events] of DAY) {
    const counts = out.get(keyOf(when)) ?? emptyCounts();
    for (const event of events) {
      if (event.type === "reply_vote") continue; // per-kind net counts: tests/workers/reply-votes.test.ts
      counts[event.type] += 1;
      if (event.type === "staff_first_reply") counts.staff_first_reply_ms += event.durationMs;
    }
    out.set(keyOf(when), counts);
  }
  return out;
}

const HOUR_QUERY: AnalyticsQuery = { from: "2026-11-21", to: "2026-11-22", granularity: "hour" };
const DAY_QUERY: AnalyticsQuery = { from: "2026-11-20", to: "2026-11-22", granularity: "day" };

async function replay(stub: ReturnType<typeof ownAnalytics>) {
  for (const [when, events] of DAY) unwrapOk(await stub.record(events, when));
}

/** Asserts the series by hour and by local day hold exactly the script, zeros elsewhere. */
async function expectScript(series: (query: AnalyticsQuery) => Promise<{ buckets: { start: number; label: string; counts: Counts }[]; totals: Counts }>) {
  const byHour = await series(HOUR_QUERY);
  expect(byHour.buckets).toHaveLength(48);
  const hours = expected((when) => String(Math.floor(when / HOUR) * HOUR));
  for (const bucket of byHour.buckets) expect(bucket.counts, bucket.label).toEqual(hours.get(String(bucket.start)) ?? emptyCounts());
  expect(byHour.buckets[0]!.label).toBe("2026-11-21T00:00-08:00");

  const byDay = await series(DAY_QUERY);
  const days = expected((when) => new Date(when + PST).toISOString().slice(0, 10));
  expect(byDay.buckets.map((bucket) => bucket.label)).toEqual(["2026-11-20", "2026-11-21", "2026-11-22"]);
  for (const bucket of byDay.buckets) expect(bucket.counts, bucket.label).toEqual(days.get(bucket.label) ?? emptyCounts());
  expect(byDay.totals).toMatchObject({ chat_started: 4, message: 9, booking_made: 3, staff_first_reply: 2, staff_first_reply_ms: 120_000 });
  expect(byDay.totals).toEqual(byHour.totals);
}

describe("the analytics aggregator", () => {
  beforeAll(seedCatalog);

  it("counts a scripted day exactly, by hour and by center-local day, one row written per call", async () => {
    const stub = ownAnalytics();
    const read = async (query: AnalyticsQuery) => unwrapOk(await stub.series(query, ZONE));
    await read(HOUR_QUERY); // wakes the object: its schema's rows are not the events'
    const before = await stub.rowCounts();
    await replay(stub);
    // 12 calls, 25 events over 9 hours: one row written per call, each committed before it answered.
    expect((await stub.rowCounts()).writes - before.writes).toBe(DAY.length);
    await expectScript(read);
    await evictDurableObject(stub);
    await expectScript(read); // from storage alone, in a new instance

    // A second day's worth into the same hours updates their rows in place: still one row per call.
    const again = await stub.rowCounts();
    await replay(stub);
    expect((await stub.rowCounts()).writes - again.writes).toBe(DAY.length);
    const doubled = unwrapOk(await stub.series(DAY_QUERY, ZONE)).totals;
    expect(doubled).toMatchObject({ message: 18, staff_first_reply: 4, staff_first_reply_ms: 240_000 });
  });

  it("drops hours past its retention when a new hour begins", async () => {
    const stub = ownAnalytics();
    unwrapOk(await stub.record([{ type: "message" }], at(0)));
    unwrapOk(await stub.record([{ type: "message" }], at(0) + 400 * 24 * HOUR));
    expect(unwrapOk(await stub.series(DAY_QUERY, ZONE)).totals.message).toBe(1);
    unwrapOk(await stub.record([{ type: "message" }], at(0) + 401 * 24 * HOUR));
    expect(unwrapOk(await stub.series(DAY_QUERY, ZONE)).totals.message).toBe(0);
  });

  it("refuses events outside its closed set and counts nothing from them", async () => {
    const stub = ownAnalytics();
    for (const events of [[{ type: "page_view" }], [], [{ type: "staff_first_reply" }], [{ type: "message", extra: 1 }]]) {
      expect(await stub.record(events, at(0))).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await stub.record([{ type: "message" }], -1)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(unwrapOk(await stub.series(DAY_QUERY, ZONE)).totals).toEqual(emptyCounts());
  });
});

/** The center's last two local days, by day: what the global object counted for real traffic. */
async function globalTotals(): Promise<Counts> {
  const today = localNow(new Date(), ZONE).date;
  return unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, ZONE)).totals;
}

/** The counts changed by `delta` since `before`, once the chats in `chats` reported theirs (their alarm). */
async function expectDelta(before: Counts, delta: Partial<Record<Counter, number>>, chats: string[] = []) {
  await flushChatAnalytics(...chats);
  await vi.waitFor(async () => {
    const now = await globalTotals();
    const changed = Object.fromEntries(COUNTERS.map((counter) => [counter, now[counter] - before[counter]]).filter(([, n]) => n !== 0));
    expect(changed).toEqual(Object.fromEntries(Object.entries(delta).filter(([, n]) => n !== 0)));
  }, { timeout: 10_000 }); // a direct record lands just after the answer (waitUntil): polled, not slept on
}

describe("the emitters and the staff console's numbers", () => {
  beforeAll(seedCatalog);

  it("counts a chat, its messages, a booking, a hand-off, staff's first reply and a cancel from the real paths", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const say = async (content: string): Promise<ChatState> => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;

    let before = await globalTotals();
    await say("I need help with Python on Monday at 10");
    await expectDelta(before, { chat_started: 1, message: 1 }, [sessionId]);

    before = await globalTotals();
    await say("Book this tutor");
    await say("yes");
    await say("Ada Lovelace, ada@example.com");
    await say("Online. Recursion");
    const booked = await say("Confirm booking");
    expect(booked.bookingInfo?.step).toBe("confirmed");
    // A retried message (same id) is answered from storage and counted once.
    const retryId = crypto.randomUUID();
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id: retryId, content: "thanks" }));
    unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { id: retryId, content: "thanks" }));
    await expectDelta(before, { message: 6, booking_made: 1 }, [sessionId]);

    before = await globalTotals();
    // Late or not depends on the wall clock (Monday at 10 may be hours away): counted as it was.
    const cancel = unwrapOk(await sidecar.cancelBooking(ownerId, booked.bookingInfo!.bookingId!));
    await expectDelta(before, { booking_cancelled: 1, booking_late_cancelled: cancel.lateCancel ? 1 : 0 });

    before = await globalTotals();
    const note = `please call me ${crypto.randomUUID()}`;
    // The assistant shows the words back first; the hand-off is counted when the yes sends it.
    await say(`Leave a message for the tutoring center: ${note}`);
    await expectDelta(before, { message: 1 }, [sessionId]);
    before = await globalTotals();
    await say("yes");
    await expectDelta(before, { message: 1, handoff: 1 }, [sessionId]);

    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages.find((message) => message.content.includes(note))!;
    const claimed = unwrapOk(await sidecar.staffClaim(session.token, waiting.messageId));
    before = await globalTotals();
    const reply = { messageId: waiting.messageId, leaseId: claimed.lease.leaseId, reply: "We will call you at 3." };
    unwrapOk(await sidecar.staffReply(session.token, reply));
    unwrapOk(await sidecar.staffReply(session.token, reply)); // a retry is not a second first reply
    await expectDelta(before, { staff_first_reply: 1, staff_first_reply_ms: expect.any(Number) as number });
    const after = await globalTotals();
    const waited = after.staff_first_reply_ms - before.staff_first_reply_ms;
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(60_000);

    // The console reads the same numbers through the sidecar, by day in the center's zone.
    const today = localNow(new Date(), ZONE).date;
    const series = unwrapOk(await sidecar.staffAnalytics(session.token, { from: addDays(today, -1), to: today, granularity: "day" }));
    expect(series.timeZone).toBe(ZONE);
    expect(series.totals).toEqual(after);

    const csv = seriesToCsv(series).split("\r\n");
    expect(csv[0]).toBe("time,chats_started,messages,bookings_made,bookings_cancelled,late_cancels,no_shows,handoffs,first_staff_replies,feedback_up,feedback_down,avg_first_reply_seconds,feedback_up_assistant,feedback_down_assistant,feedback_up_bot,feedback_down_bot,feedback_up_cancel_notice,feedback_down_cancel_notice,feedback_up_unanswered,feedback_down_unanswered,feedback_up_other,feedback_down_other,bookings_moved,feedback_up_waitlist_notice,feedback_down_waitlist_notice");
    expect(csv).toHaveLength(2 + 1 + 1); // header, two days, the final line break
    const todayRow = csv.find((line) => line.startsWith(`${today},`))!.split(",");
    expect(Number(todayRow[1]) + Number(csv[1]!.split(",")[1])).toBe(after.chat_started);
    expect(Number(todayRow[2]) + Number(csv[1]!.split(",")[2])).toBe(after.message);
  });

  it("counts a staff cancel, a no-show once however often it is marked, and a late cancel as a cancel that was late", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const today = localNow(new Date(), ZONE).date;
    const booking = async (date: string, start: string, ownerId = newOwnerId()) => {
      const id = `bk-${crypto.randomUUID().replaceAll("-", "")}`;
      await env.DB.prepare(
        `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
         VALUES (?, ?, ?, 't-001', ?, ?, ?, 'Sam Student', ?, 'online', '', 'confirmed', 1, 1)`,
      )
        .bind(id, newSessionId(), ownerId, date, start, `${String(Number(start.slice(0, 2)) + 1).padStart(2, "0")}:00`, `sam-${crypto.randomUUID().slice(0, 8)}@example.com`)
        .run();
      return id;
    };

    let before = await globalTotals();
    unwrapOk(await sidecar.staffScheduleCancel(session.token, { bookingId: await booking(addDays(today, 3), "10:00"), reason: "Tutor is ill" }));
    await expectDelta(before, { booking_cancelled: 1 });

    before = await globalTotals();
    const missed = await booking(addDays(today, -1), "10:00");
    unwrapOk(await sidecar.staffScheduleAttendance(session.token, { bookingId: missed, attendance: "no_show" }));
    unwrapOk(await sidecar.staffScheduleAttendance(session.token, { bookingId: missed, attendance: "no_show" }));
    unwrapOk(await sidecar.staffScheduleAttendance(session.token, { bookingId: await booking(addDays(today, -1), "12:00"), attendance: "attended" }));
    await expectDelta(before, { no_show: 1 });

    // A session 3–4 hours from now is inside the default 24-hour cutoff and not started, whatever the hour the test runs.
    before = await globalTotals();
    const ownerId = newOwnerId();
    const soon = localNow(new Date(Math.ceil((Date.now() + 3 * 3_600_000) / 3_600_000) * 3_600_000), ZONE);
    const soonStart = `${String(Math.floor(soon.minutes / 60)).padStart(2, "0")}:00`;
    const late = unwrapOk(await sidecar.cancelBooking(ownerId, await booking(soon.date, soonStart, ownerId)));
    expect(late).toMatchObject({ lateCancel: true });
    await expectDelta(before, { booking_cancelled: 1, booking_late_cancelled: 1 });
  });

  it("counts a chat and its message on the external-bot path too, and a retry of it once", async () => {
    const external = { ...env, BOT_MODE: "external" };
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const before = await globalTotals();
    const message = { id: crypto.randomUUID(), content: "a question for a bot" };
    unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message, now: new Date() }));
    unwrapOk(await acceptUserMessage({ env: external, sessionId, ownerId, message, now: new Date() }));
    await expectDelta(before, { chat_started: 1, message: 1 }, [sessionId]);
  });

  it("answers a bad range with 400, a tutor with 403 and anyone without a staff session with 401", async () => {
    const staff = await enrolled(await FakeAuthenticator.create(), "admin");
    for (const query of [
      { from: "2026-11-10", to: "2026-11-01", granularity: "day" },
      { from: "2026-11-01", to: "2026-11-08", granularity: "hour" },
      { from: "2026-01-01", to: "2026-11-01", granularity: "day" },
      { from: "2026-11-01", to: "2026-11-02", granularity: "minute" },
      { from: "2026-02-30", to: "2026-03-01", granularity: "day" },
      { from: "2026-11-01", to: "2026-11-02", granularity: "day", extra: "x" },
      "from=2026-11-01",
      null,
    ]) {
      expect(await sidecar.staffAnalytics(staff.session.token, query), JSON.stringify(query)).toMatchObject({ ok: false, error: { code: "bad_request:query" } });
    }
    const good = { from: "2026-11-01", to: "2026-11-07", granularity: "day" };
    expect(unwrapOk(await sidecar.staffAnalytics(staff.session.token, good)).buckets).toHaveLength(7);
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor");
    expect(await sidecar.staffAnalytics(tutor.session.token, good)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    // A student holds an owner id, never a staff session token.
    expect(await sidecar.staffAnalytics(newOwnerId(), good)).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    expect(await sidecar.staffAnalytics("", good)).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
  });
});
