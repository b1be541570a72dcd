import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import ICAL from "ical.js";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_ATTEMPTS, type MailOutbox, type OutboxMessage } from "../../durable-objects/mail-outbox";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import type { SidecarApi } from "../../lib/sidecar-api";
import { zonedToEpoch } from "../../lib/calendar";
import { performEffect } from "../../services/effects";
import { queueBookingMail } from "../../services/mail";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { newOwnerId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled } from "./staff-helpers";
import { atReview } from "./memory-helpers";

const sidecar = exports.default as unknown as SidecarApi;
const TIME_ZONE = "America/New_York";
let fake: FakeMailApi;

beforeAll(async () => {
  await seedCatalog();
  await env.DB.prepare("UPDATE center_settings SET time_zone = ?1, name = 'Riverside Tutoring' WHERE id = 1").bind(TIME_ZONE).run();
  // These tests email ada@example.com many times about other things than the daily cap.
  await verifiedAddresses("ada@example.com");
});

// The outbox calls the global fetch; the sidecar shares this isolate, so the fake mail API answers every send.
beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function outbox(bookingId: string) {
  return env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
}

/** Waits for the outbox's own alarm (set by enqueue, due at once) until its messages satisfy `done`. */
async function settled(bookingId: string, done: (messages: OutboxMessage[]) => boolean) {
  return vi.waitFor(
    async () => {
      // Reminders wait for their own times (tests/workers/reminders.test.ts): these tests are about the rest.
      const messages = (await outbox(bookingId).messages()).filter((message) => message.kind !== "reminder");
      if (!done(messages)) throw new Error(`not yet: ${JSON.stringify(messages.map((message) => [message.status, message.attempts]))}`);
      return messages;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** Fast-forwards the backoff: the pending retry is due now, and the alarm fires at once. */
async function makeRetryDue(bookingId: string) {
  await runInDurableObject(outbox(bookingId), async (_instance: MailOutbox, state) => {
    state.storage.sql.exec("UPDATE mail SET next_attempt_at = 0 WHERE status = 'pending' AND kind <> 'reminder'");
    await state.storage.setAlarm(Date.now());
  });
}

const allSent = (messages: OutboxMessage[]) => messages.length > 0 && messages.every((message) => message.status === "sent");



function parseInvite(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const zone = calendar.getFirstSubcomponent("vtimezone");
  if (zone) ICAL.TimezoneService.register(zone);
  const event = new ICAL.Event(calendar.getFirstSubcomponent("vevent")!);
  return { method: calendar.getFirstPropertyValue("method"), event };
}

/** The TZID of the invite's VTIMEZONE: the zone travels with the invite. */
function calendarZone(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vtimezone")?.getFirstPropertyValue("tzid");
}

describe("booking emails", () => {
  it("a booking sends exactly one confirmation to the student and one to the tutor, even when the effect is retried", async () => {
    const { sessionId, ownerId, booking } = await atReview();
    await env.DB.prepare("UPDATE tutors SET email = ?2 WHERE id = ?1").bind(booking.tutorId, "tutor@example.edu").run();
    const effect = {
      type: "create_booking" as const,
      booking: {
        tutorId: booking.tutorId, date: booking.slot.date, start: booking.slot.start, end: booking.slot.end,
        studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online" as const, intake: "Recursion", subject: "Python",
      },
    };
    const context = {
      env, sessionId, ownerId,
      messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: { ...DEFAULT_CENTER_POLICY, timeZone: TIME_ZONE },
    };
    const first = await performEffect(effect, context);
    const retry = await performEffect(effect, context);
    expect(first).toMatchObject({ ok: true, emailedTo: "ada@example.com" });
    expect(retry).toEqual(first);
    const bookingId = (first as { bookingId: string }).bookingId;

    await settled(bookingId, allSent);
    await runDurableObjectAlarm(outbox(bookingId)); // nothing else is due: the reminders wait for their times
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map((request) => request.body.to)).toEqual([["ada@example.com"], ["tutor@example.edu"]]);
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([`${bookingId}:confirmation:0:student`, `${bookingId}:confirmation:0:tutor`]);
    expect(fake.requests[0]!.authorization).toBe("Bearer test-mail-token");

    // The .ics parses back to the booked slot in the center's zone.
    const { method, event } = parseInvite(inviteOf(fake.requests[0]!));
    expect(method).toBe("REQUEST");
    expect(event.uid).toBe(`${bookingId}@tutor-chat.bookings`);
    expect(event.sequence).toBe(0);
    expect(event.component.getFirstProperty("dtstart")?.getParameter("tzid")).toBe(TIME_ZONE);
    expect(calendarZone(inviteOf(fake.requests[0]!))).toBe(TIME_ZONE);
    expect(event.startDate.toJSDate().getTime()).toBe(zonedToEpoch(booking.slot.date, booking.slot.start, TIME_ZONE));
    expect(event.endDate.toJSDate().getTime()).toBe(zonedToEpoch(booking.slot.date, booking.slot.end, TIME_ZONE));
    expect(event.attendees.map((attendee) => String(attendee.getFirstValue()).toLowerCase())).toEqual(["mailto:ada@example.com", "mailto:tutor@example.edu"]);

    // A cancel withdraws the same event: METHOD CANCEL, same UID, a higher SEQUENCE.
    unwrapOk(await sidecar.cancelBooking(ownerId, bookingId));
    await settled(bookingId, (messages) => messages.length === 4 && allSent(messages));
    const cancels = fake.requests.slice(2);
    expect(cancels.map((request) => request.body.to)).toEqual([["ada@example.com"], ["tutor@example.edu"]]);
    const cancelled = parseInvite(inviteOf(cancels[0]!));
    expect(cancelled.method).toBe("CANCEL");
    expect(cancelled.event.uid).toBe(event.uid);
    expect(cancelled.event.sequence).toBeGreaterThan(event.sequence);
    await env.DB.prepare("UPDATE tutors SET email = NULL WHERE id = ?1").bind(booking.tutorId).run();
  });

  it("the chat says the confirmation is on its way only because it was queued; a tutor without an address gets none", async () => {
    await env.DB.prepare("UPDATE tutors SET email = NULL").run();
    const { sessionId, ownerId } = await atReview();
    const reply = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "yes" }));
    const bookingId = reply.state.bookingInfo?.bookingId;
    expect(bookingId).toBeTruthy();
    expect(reply.replies.at(-1)?.content).toContain("A confirmation email with a calendar invite is on its way to ada@example.com.");
    const queued = await settled(bookingId!, allSent);
    expect(queued.map((message) => [message.role, message.to])).toEqual([["student", "ada@example.com"]]);
    expect(fake.delivered()).toHaveLength(1);
    // The cost of one more change on a live outbox: the cancel queued (event row, message row, the pending
    // confirmation superseded: none here) and sent (the row marked sent).
    const before = await outbox(bookingId!).rowCounts();
    // The reminders queued with the confirmation depend on how far ahead of the real clock the session is.
    const reminders = (await outbox(bookingId!).messages()).filter((message) => message.kind === "reminder").length;
    unwrapOk(await sidecar.cancelBooking(ownerId, bookingId!));
    await settled(bookingId!, (messages) => messages.length === 2 && allSent(messages));
    const after = await outbox(bookingId!).rowCounts();
    // The object's schema (first use; 2 of it the reminder columns), the event, the message queued and marked sent, 3 per reminder.
    expect(before.writes).toBe(19 + 3 * reminders);
    expect(after.writes - before.writes).toBe(7 + 2 * reminders); // docs/notifications.md, Costs: each pending reminder superseded
  });

  it("a transport failing 3 times then succeeding sends once", async () => {
    fake.failNext(3, 503);
    const { bookingId } = await bookedDirectly();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [message] = await settled(bookingId, ([first]) => first!.attempts === attempt);
      expect(message!.status).toBe("pending");
      // Backoff: 30 s, 60 s, 120 s after the failed attempt.
      expect(message!.nextAttemptAt! - Date.now()).toBeGreaterThan(25_000 * 2 ** (attempt - 1));
      await makeRetryDue(bookingId);
    }
    const [message] = await settled(bookingId, allSent);
    expect(message).toMatchObject({ status: "sent", attempts: 4 });
    expect(fake.requests.map((request) => request.outcome)).toEqual([503, 503, 503, 200]);
    expect(new Set(fake.requests.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(fake.delivered()).toHaveLength(1);
  });

  it("a permanent 4xx is recorded for staff and not retried", async () => {
    fake.failNext(1, 422);
    const { bookingId } = await bookedDirectly();
    const [message] = await settled(bookingId, ([first]) => first!.status === "failed");
    expect(message).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null });
    // No retry: the alarm left is the first reminder's (tests/workers/reminders.test.ts).
    const firstReminder = Math.min(...(await outbox(bookingId).messages()).filter((queued) => queued.kind === "reminder").map((queued) => queued.nextAttemptAt!));
    expect(await runInDurableObject(outbox(bookingId), (_instance: MailOutbox, state) => state.storage.getAlarm())).toBe(firstReminder);
    const row = await env.DB.prepare("SELECT mail_error AS error FROM bookings WHERE id = ?1").bind(bookingId).first<{ error: string }>();
    expect(row?.error).toMatch(/confirmation email to ada@example.com was not delivered: POST \/emails answered 422/);
    expect(fake.requests).toHaveLength(1);
  });

  it("gives up after MAX_ATTEMPTS transient failures", async () => {
    fake.failNext(MAX_ATTEMPTS, 500);
    const { bookingId } = await bookedDirectly();
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await settled(bookingId, ([first]) => first!.attempts === attempt);
      await makeRetryDue(bookingId);
    }
    const [message] = await settled(bookingId, ([first]) => first!.status === "failed");
    expect(message).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(fake.requests).toHaveLength(MAX_ATTEMPTS);
  });

  it("a cancel before the confirmation went out supersedes it: no stale invite follows", async () => {
    fake.failNext(1, 503); // the confirmation's first try fails: it waits 30 s for its retry
    const { bookingId, ownerId } = await bookedDirectly();
    await settled(bookingId, ([first]) => first!.attempts === 1);
    unwrapOk(await sidecar.cancelBooking(ownerId, bookingId));
    const messages = await settled(bookingId, (all) => all.length === 2 && all[1]!.status === "sent");
    expect(messages.map((message) => [message.kind, message.status])).toEqual([["confirmation", "superseded"], ["cancellation", "sent"]]);
    expect(fake.delivered().map((request) => parseInvite(inviteOf(request)).method)).toEqual(["CANCEL"]);
    // A late retry of the confirmation queues nothing after the cancel.
    expect((await queueBookingMail(env, bookingId, "confirmed"))?.recipients).toEqual([]);
  });
});

describe("a tutor's address (staff tutors form)", () => {
  it("is set, kept when an edit leaves it out, cleared by an empty value, and refused when malformed", async () => {
    const token = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;
    const draft = { name: "Vera Rubin", bio: "Galaxies.", mode: "online" as const, subjects: ["Astronomy"], hours: [{ day: "monday" as const, start: "10:00", end: "12:00" }] };
    const created = unwrapOk(await sidecar.staffCreateTutor(token, { ...draft, email: "vera@center.edu" })).tutor;
    expect(created.email).toBe("vera@center.edu");
    expect(unwrapOk(await sidecar.staffUpdateTutor(token, created.id, draft)).tutor.email).toBe("vera@center.edu");
    expect(unwrapOk(await sidecar.staffUpdateTutor(token, created.id, { ...draft, email: "" })).tutor.email).toBeNull();
    expect(await sidecar.staffUpdateTutor(token, created.id, { ...draft, email: "not an address" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(unwrapOk(await sidecar.staffTutor(token, created.id)).tutor.email).toBeNull();
  });
});

describe("the local mailbox", () => {
  it("is closed unless the sidecar runs with DEV_MAIL=1, as deployed (only the local stack sets it)", async () => {
    expect(env.DEV_MAIL).toBe("");
    expect(await sidecar.devMailbox()).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    expect(fake.requests).toHaveLength(0);
  });
});

let slot = 0;
/** A confirmed booking in D1 (its own slot) with its confirmation queued. */
async function bookedDirectly() {
  const bookingId = `bk-${crypto.randomUUID()}`;
  const ownerId = newOwnerId();
  const start = `${String(8 + Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
  slot++;
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, status, created_at, updated_at)
     VALUES (?1, 'session-1', ?2, 't-001', '2027-01-04', ?3, '23:59', 'Ada', 'ada@example.com', 'online', 'confirmed', 1, 1)`,
  )
    .bind(bookingId, ownerId, start)
    .run();
  const queued = await queueBookingMail(env, bookingId, "confirmed");
  expect(queued?.recipients).toEqual([{ role: "student", to: "ada@example.com" }]);
  return { bookingId, ownerId };
}
