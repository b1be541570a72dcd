import { env, runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboxMessage } from "../../durable-objects/mail-outbox";
import type { SidecarApi } from "../../lib/sidecar-api";
import { zonedToEpoch } from "../../lib/calendar";
import { insertOfferedBooking } from "../../services/db/bookings";
import { BOOKING_REFERENCE_PATTERN } from "../../lib/ids";
import { createFakeMailApi, type FakeMailApi } from "../fakes/mail-api";
import { newOwnerId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";

/**
 * Reminders on a test clock: `Date` is faked (the sidecar's objects share this isolate), set to
 * times in 2027 so that no alarm comes due by itself; each alarm is run with runDurableObjectAlarm.
 */
const sidecar = exports.default as unknown as SidecarApi;
const TIME_ZONE = "America/New_York";
const HOUR = 3_600_000;
let fake: FakeMailApi;

beforeAll(async () => {
  await seedCatalog();
  await env.DB.prepare("UPDATE center_settings SET time_zone = ?1 WHERE id = 1").bind(TIME_ZONE).run();
  // Confirmed by their owner: reminders go only to such an address (lib/mail/recipients.ts; the gate's own tests are in accounts-mail.test.ts).
  await verifiedAddresses("ada@example.com");
});

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function outbox(bookingId: string) {
  return env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
}

const at = (date: string, clock: string) => zonedToEpoch(date, clock, TIME_ZONE);

let slot = 0;
/** A confirmed booking of `date` `start` (center time), made at `bookedAt`, its confirmation sent. */
async function booked(date: string, start: string, bookedAt: number) {
  vi.setSystemTime(bookedAt);
  const bookingId = `bk-reminder-${crypto.randomUUID()}`;
  // Each booking its own tutor slot (the one-per-slot index), on an hour the test does not care about.
  const tutor = `t-00${1 + (slot++ % 5)}`;
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, subject, status, created_at, updated_at)
     VALUES (?1, 'session-1', ?2, ?3, ?4, ?5, '23:59', 'Ada', 'ada@example.com', 'online', 'Python', 'cancelled', 1, 1)`,
  )
    .bind(bookingId, newOwnerId(), tutor, date, start)
    .run();
  await env.DB.prepare("UPDATE bookings SET status = 'confirmed' WHERE id = ?1").bind(bookingId).run();
  unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: "confirmed" }));
  await runDurableObjectAlarm(outbox(bookingId));
  return bookingId;
}

/** Sets the test clock and runs the object's alarm, twice: the second run must change nothing. */
async function alarmAt(bookingId: string, now: number) {
  vi.setSystemTime(now);
  await runDurableObjectAlarm(outbox(bookingId));
  await runDurableObjectAlarm(outbox(bookingId));
}

const sentKeys = () => fake.requests.filter((request) => request.outcome === 200).map((request) => request.idempotencyKey);
/** The booking's reminders, 24 h first (created together, so ordered by when each is due). */
const reminders = async (bookingId: string) =>
  (await outbox(bookingId).messages())
    .filter((message: OutboxMessage) => message.kind === "reminder")
    .sort((a, b) => (a.key.includes("-24h:") ? 0 : 1) - (b.key.includes("-24h:") ? 0 : 1));

describe("session reminders", () => {
  it("fire at 24 h and at 1 h before the start on the test clock, exactly once each even when the alarm runs twice", async () => {
    const start = at("2027-01-06", "15:00");
    const bookingId = await booked("2027-01-06", "15:00", at("2027-01-04", "12:00"));
    expect(sentKeys()).toEqual([`${bookingId}:confirmation:0:student`]);
    const pending = await reminders(bookingId);
    expect(pending.map((message) => [message.key, message.status, message.nextAttemptAt, message.to])).toEqual([
      [`${bookingId}:reminder-24h:0:student`, "pending", start - 24 * HOUR, "ada@example.com"],
      [`${bookingId}:reminder-1h:0:student`, "pending", start - HOUR, "ada@example.com"],
    ]);

    await alarmAt(bookingId, start - 25 * HOUR);
    expect(sentKeys()).toHaveLength(1); // not yet

    const before = await outbox(bookingId).rowCounts();
    await alarmAt(bookingId, start - 24 * HOUR);
    const after = await outbox(bookingId).rowCounts();
    expect(sentKeys()).toEqual([`${bookingId}:confirmation:0:student`, `${bookingId}:reminder-24h:0:student`]);
    expect(after.writes - before.writes).toBe(2); // the row marked sent (and its index entry): docs/notifications.md, Costs
    expect(fake.requests.at(-1)!.body.subject).toMatch(/^Reminder: Python tutoring with .+, Wednesday, Jan 6 at 15:00/);

    await alarmAt(bookingId, start - HOUR);
    await alarmAt(bookingId, start + HOUR);
    expect(sentKeys()).toEqual([`${bookingId}:confirmation:0:student`, `${bookingId}:reminder-24h:0:student`, `${bookingId}:reminder-1h:0:student`]);
    expect((await reminders(bookingId)).map((message) => message.status)).toEqual(["sent", "sent"]);
    expect(await runDurableObjectAlarm(outbox(bookingId))).toBe(false); // nothing left to run
  });

  it("each reminder a booking queues costs 3 rows written with its confirmation", async () => {
    const withTwo = await booked("2027-01-07", "15:00", at("2027-01-04", "12:00"));
    const withOne = await booked("2027-01-04", "14:00", at("2027-01-04", "12:00"));
    const two = await outbox(withTwo).rowCounts();
    const one = await outbox(withOne).rowCounts();
    expect(two.writes - one.writes).toBe(3); // the row and its two index entries: docs/notifications.md, Costs
  });

  it("are dropped by a cancel: none is sent after it", async () => {
    const start = at("2027-01-06", "16:00");
    const bookingId = await booked("2027-01-06", "16:00", at("2027-01-04", "12:00"));
    await alarmAt(bookingId, start - 24 * HOUR);
    vi.setSystemTime(start - 3 * HOUR);
    await env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE id = ?1").bind(bookingId).run();
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: "cancelled" }));
    await alarmAt(bookingId, start - 3 * HOUR);
    await alarmAt(bookingId, start - HOUR);
    expect(sentKeys()).toEqual([`${bookingId}:confirmation:0:student`, `${bookingId}:reminder-24h:0:student`, `${bookingId}:cancellation:1:student`]);
    expect((await reminders(bookingId)).map((message) => message.status)).toEqual(["sent", "superseded"]);
  });

  it("a booking made 2 h ahead gets only the 1 h reminder", async () => {
    const start = at("2027-01-05", "14:00");
    const bookingId = await booked("2027-01-05", "14:00", start - 2 * HOUR);
    expect((await reminders(bookingId)).map((message) => [message.key, message.nextAttemptAt])).toEqual([[`${bookingId}:reminder-1h:0:student`, start - HOUR]]);
    await alarmAt(bookingId, start - HOUR);
    expect(sentKeys()).toEqual([`${bookingId}:confirmation:0:student`, `${bookingId}:reminder-1h:0:student`]);
  });

  it("a reminder due in quiet hours waits until 08:00 in the center's zone", async () => {
    // 1 h before an 08:30 session is 07:30, inside quiet hours (21:00-08:00).
    const bookingId = await booked("2027-01-08", "08:30", at("2027-01-04", "12:00"));
    expect((await reminders(bookingId)).map((message) => message.nextAttemptAt)).toEqual([at("2027-01-07", "08:30"), at("2027-01-08", "08:00")]);
    await alarmAt(bookingId, at("2027-01-07", "08:30"));
    await alarmAt(bookingId, at("2027-01-08", "07:30"));
    expect(sentKeys()).toHaveLength(2); // the confirmation and the 24 h reminder; the 1 h one waits
    await alarmAt(bookingId, at("2027-01-08", "08:00"));
    expect(sentKeys().at(-1)).toBe(`${bookingId}:reminder-1h:0:student`);
  });

  it("a session at 08:00 is reminded a minute before quiet hours the evening before, or not at all once that has passed", async () => {
    const early = await booked("2027-01-09", "08:00", at("2027-01-06", "12:00"));
    expect((await reminders(early)).map((message) => message.nextAttemptAt)).toEqual([at("2027-01-08", "08:00"), at("2027-01-08", "20:59")]);
    const late = await booked("2027-01-09", "08:00", at("2027-01-08", "22:00"));
    expect(await reminders(late)).toEqual([]);
  });

  it("a retry that slips into quiet hours waits until the morning; one whose session has begun is skipped", async () => {
    const bookingId = await booked("2027-01-11", "20:30", at("2027-01-04", "12:00"));
    fake.failNext(1, 503);
    await alarmAt(bookingId, at("2027-01-10", "20:30"));
    expect((await reminders(bookingId))[0]).toMatchObject({ status: "pending", attempts: 1 });
    await alarmAt(bookingId, at("2027-01-10", "21:10"));
    expect((await reminders(bookingId))[0]).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at("2027-01-11", "08:00") });
    await alarmAt(bookingId, at("2027-01-11", "08:00"));
    expect((await reminders(bookingId))[0]).toMatchObject({ status: "sent", attempts: 2 });

    fake.failNext(100, 503);
    await alarmAt(bookingId, at("2027-01-11", "19:30"));
    await alarmAt(bookingId, at("2027-01-11", "20:31"));
    expect((await reminders(bookingId))[1]).toMatchObject({ status: "skipped" });
  });

  it("are not queued for a booking made while the student had turned them off; the booking keeps the choice it was made with", async () => {
    const ownerId = newOwnerId();
    expect(unwrapOk(await sidecar.reminderPreference(ownerId))).toEqual({ remindersOff: false });
    expect(unwrapOk(await sidecar.setReminderPreference(ownerId, { remindersOff: true }))).toEqual({ remindersOff: true });
    expect(await sidecar.setReminderPreference(ownerId, { remindersOff: "yes" } as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(unwrapOk(await sidecar.reminderPreference(ownerId))).toEqual({ remindersOff: true });

    const now = at("2027-01-11", "12:00");
    vi.setSystemTime(now);
    // Booked through the same guarded INSERT the chat's booking uses (it copies the owner's choice).
    const grace = `grace-${ownerId}@example.com`;
    await verifiedAddresses(grace);
    async function book(start: string, end: string) {
      const id = `bk-reminder-${crypto.randomUUID()}`;
      const offer = {
        id, sessionId: "session-1", ownerId, tutorId: "t-001", date: "2027-01-13", start, end, studentName: "Grace",
        studentEmail: grace, mode: "online" as const, intake: "", subject: "Python", now, timeZone: TIME_ZONE,
      };
      expect(await insertOfferedBooking(env.DB, offer)).toMatch(BOOKING_REFERENCE_PATTERN);
      unwrapOk(await outbox(id).enqueue({ bookingId: id, event: "confirmed" }));
      return id;
    }
    const madeWhileOff = await book("14:00", "15:00");
    expect(await reminders(madeWhileOff)).toEqual([]);
    expect((await outbox(madeWhileOff).messages()).map((message) => message.kind)).toEqual(["confirmation"]);

    unwrapOk(await sidecar.setReminderPreference(ownerId, { remindersOff: false }));
    const madeWhileOn = await book("15:00", "16:00");
    expect((await reminders(madeWhileOn)).map((message) => message.key)).toEqual([`${madeWhileOn}:reminder-24h:0:student`, `${madeWhileOn}:reminder-1h:0:student`]);
    expect(await reminders(madeWhileOff)).toEqual([]);
  });
});
