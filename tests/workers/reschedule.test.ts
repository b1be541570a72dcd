import { FIRST_CENTER } from "../../lib/center/ids";
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import ICAL from "ical.js";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboxMessage } from "../../durable-objects/mail-outbox";
import { seriesToCsv } from "../../lib/analytics/csv";
import type { CenterPolicy } from "../../lib/center/policy";
import type { ChatState } from "../../lib/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { addDays, localNow, nextDateFor, weekdayOf, zonedToEpoch } from "../../lib/calendar";
import { describeEffectOutcome } from "../../lib/tutoring/effect-outcome";
import type { AssistantEffect } from "../../lib/tutoring/turn-types";
import { readCenterPolicy } from "../../services/db/center";
import { moveConfirmedBooking, type BookingSlot } from "../../services/db/reschedule";
import { performEffect } from "../../services/effects";
import { movedEvent } from "../../services/mail";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { meteredD1 } from "./staff-helpers";
import { analyticsObject } from "../../services/objects";

/**
 * Moving a confirmed booking: by chat end to end, the one-statement move in D1 and its
 * races, the cutoff, ownership, and what the move does to the booking's MailOutbox (an update
 * invite, reminders at the new times) and SessionManager (the alarm at the new end).
 */
const sidecar = exports.default as unknown as SidecarApi;
const TIME_ZONE = "America/New_York";
const HOUR = 3_600_000;
let fake: FakeMailApi;
let policy: CenterPolicy;

beforeAll(async () => {
  await seedCatalog();
  await env.DB.prepare("UPDATE center_settings SET time_zone = ?1 WHERE id = 1").bind(TIME_ZONE).run();
  policy = await readCenterPolicy(env.DB, { center: FIRST_CENTER });
  // Confirmed by its owner, so bookings' emails go (lib/mail/recipients.ts).
  await verifiedAddresses("ada@example.com");
});

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const outbox = (bookingId: string) => env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
const manager = (bookingId: string) => env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromName(bookingId));

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

async function totals() {
  const today = localNow(new Date(), TIME_ZONE).date;
  return unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, TIME_ZONE)).totals;
}

const lastReply = (state: ChatState) => state.messages.filter((message) => message.role === "assistant").at(-1)?.content ?? "";

/** Today in the center's zone, and the first date of `weekday` at least `days` days ahead. */
function dateAhead(weekday: Parameters<typeof nextDateFor>[0], days: number): string {
  return nextDateFor(weekday, addDays(localNow(new Date(), TIME_ZONE).date, days));
}

/** A chat with a confirmed Python booking at least two days ahead (so outside the 24 h cutoff). */
async function bookedByChat() {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const today = weekdayOf(localNow(new Date(), TIME_ZONE).date);
  const ask = today === "sunday" || today === "monday" ? "I need help with Python on Wednesday at 3pm" : "I need help with Python on Monday at 10";
  await say(sessionId, ownerId, ask);
  await say(sessionId, ownerId, "Book this tutor");
  await say(sessionId, ownerId, "yes");
  await say(sessionId, ownerId, "Ada Lovelace, ada@example.com");
  await say(sessionId, ownerId, "Online. Recursion");
  const state = await say(sessionId, ownerId, "Confirm booking");
  expect(state.bookingInfo?.step).toBe("confirmed");
  return { sessionId, ownerId, state, bookingId: state.bookingInfo!.bookingId! };
}

async function row(bookingId: string) {
  return env.DB.prepare(`SELECT id, owner_id AS ownerId, tutor_id AS tutorId, date, start, "end" AS "end", status FROM bookings WHERE id = ?1`)
    .bind(bookingId)
    .first<BookingSlot & { id: string; ownerId: string; status: string }>();
}

async function confirmedCount(ownerId: string) {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE owner_id = ?1 AND status = 'confirmed'").bind(ownerId).first<{ n: number }>())!.n;
}

let made = 0;
/** A confirmed online booking inserted as is (no policy check), for races and the cutoff. */
async function inserted(slot: BookingSlot, ownerId = newOwnerId()) {
  const id = `bk-move-${++made}-${crypto.randomUUID().slice(0, 8)}`;
  await verifiedAddresses(`${ownerId}@example.com`);
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, subject, status, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'Ada', ?8, 'online', 'Python', 'confirmed', 1, 1)`,
  )
    .bind(id, newSessionId(), ownerId, slot.tutorId, slot.date, slot.start, slot.end, `${ownerId}@example.com`)
    .run();
  return { id, ownerId };
}

function moveEffect(bookingId: string, to: BookingSlot): Extract<AssistantEffect, { type: "move_booking" }> {
  const tutorName = SEED_TUTORS.find((tutor) => tutor.id === to.tutorId)?.name ?? to.tutorId;
  return { type: "move_booking", bookingId, to: { ...to, tutorName } };
}

function effectContext(ownerId: string) {
  return {
    env, sessionId: newSessionId(), ownerId,
    messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy,
  };
}

function parseInvite(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const zone = calendar.getFirstSubcomponent("vtimezone");
  if (zone) ICAL.TimezoneService.register(zone);
  return { method: calendar.getFirstPropertyValue("method"), event: new ICAL.Event(calendar.getFirstSubcomponent("vevent")!) };
}

async function settled(bookingId: string, done: (messages: OutboxMessage[]) => boolean) {
  return vi.waitFor(
    async () => {
      const messages = (await outbox(bookingId).messages()).filter((message) => message.kind !== "reminder");
      if (!done(messages)) throw new Error(`not yet: ${JSON.stringify(messages.map((message) => [message.key, message.status]))}`);
      return messages;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** Every email queued for the booking is sent: a test ends only after its outbox's alarm has run, never during it. */
const allSent = (bookingId: string) => settled(bookingId, (messages) => messages.length > 0 && messages.every((message) => message.status === "sent"));

describe("moving a booking by chat", () => {
  it("offers the same tutor's next free hour, moves the booking there on yes (same id, one confirmed booking) and sends the update invite", async () => {
    const { sessionId, ownerId, state, bookingId } = await bookedByChat();
    const before = (await row(bookingId))!;
    await settled(bookingId, (messages) => messages.some((message) => message.status === "sent"));

    const offer = await say(sessionId, ownerId, "reschedule my booking");
    const option = offer.bookingInfo?.moveOptions?.[0];
    expect(option?.tutorId).toBe(before.tutorId);
    expect(lastReply(offer)).toContain(`${state.bookingInfo!.tutorName} is free on`);
    // Nothing moves until the student says yes.
    expect(await row(bookingId)).toEqual(before);

    await flushChatAnalytics(sessionId);
    const counted = await totals();
    const moved = await say(sessionId, ownerId, "yes");
    const after = (await row(bookingId))!;
    // Analytics: the student's message and one booking_moved, once the chat reported them.
    await flushChatAnalytics(sessionId);
    await vi.waitFor(async () => {
      const now = await totals();
      expect([now.message - counted.message, now.booking_moved - counted.booking_moved, now.booking_made - counted.booking_made]).toEqual([1, 1, 0]);
    }, { timeout: 10_000 });
    // The staff console's CSV has the moves in their own column: its days add up to the counter.
    const today = localNow(new Date(), TIME_ZONE).date;
    const [header, ...days] = seriesToCsv(unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, TIME_ZONE))).split("\r\n");
    const movedColumn = header!.split(",").indexOf("bookings_moved");
    expect(days.filter(Boolean).reduce((sum, line) => sum + Number(line.split(",")[movedColumn]), 0)).toBe((await totals()).booking_moved);
    expect(after).toEqual({ ...before, date: option!.slot.date, start: option!.slot.start, end: option!.slot.end });
    expect(await confirmedCount(ownerId)).toBe(1);
    expect(moved.bookingInfo).toMatchObject({ step: "confirmed", bookingId, slot: option!.slot, movedFrom: state.bookingInfo!.slot });
    expect(moved.bookingInfo?.moveOptions).toBeUndefined();
    // The booking number the student was given (its short reference) stays; so does the id.
    expect(moved.bookingInfo?.reference).toBe(state.bookingInfo?.reference);
    expect(lastReply(moved)).toMatch(/^Done: your session is moved to .+ \(moved from .+\)\. Your booking number stays [2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}\./);
    expect(lastReply(moved)).toContain(`stays ${state.bookingInfo?.reference}.`);
    expect(lastReply(moved)).toContain("An update email with the new time and calendar invite is on its way to ada@example.com.");

    // The SessionManager's alarm follows the booking to its new end.
    expect((await manager(bookingId).status())?.endsAt).toBe(zonedToEpoch(after.date, after.end, TIME_ZONE));

    // The update: the same event (UID), METHOD REQUEST, SEQUENCE 1, the new start in the center's zone.
    const messages = await settled(bookingId, (list) => list.some((message) => message.kind === "update" && message.status === "sent"));
    expect(messages.map((message) => [message.key, message.status])).toEqual([
      [`${bookingId}:confirmation:0:student`, "sent"],
      [`${bookingId}:update:1:student`, "sent"],
    ]);
    const update = fake.requests.find((request) => request.idempotencyKey === `${bookingId}:update:1:student`)!;
    expect(update.body.subject).toMatch(/^Moved: Python tutoring with .+, now /);
    const { method, event } = parseInvite(inviteOf(update));
    expect(method).toBe("REQUEST");
    expect(event.uid).toBe(`${bookingId}@tutor-chat.bookings`);
    expect(event.sequence).toBe(1);
    expect(event.component.getFirstProperty("dtstart")?.getParameter("tzid")).toBe(TIME_ZONE);
    expect(event.startDate.toJSDate().getTime()).toBe(zonedToEpoch(after.date, after.start, TIME_ZONE));
    expect(event.endDate.toJSDate().getTime()).toBe(zonedToEpoch(after.date, after.end, TIME_ZONE));
  });

  it("says no booking is there to move in a chat without one, and keeps the booking on no", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    expect(lastReply(await say(sessionId, ownerId, "can I move my session to 3pm?"))).toContain("There's no confirmed booking in this chat to move.");

    const booked = await bookedByChat();
    const before = await row(booked.bookingId);
    const offer = await say(booked.sessionId, booked.ownerId, "move my session to 3pm");
    expect(offer.bookingInfo?.moveOptions?.length).toBeGreaterThan(0);
    const kept = await say(booked.sessionId, booked.ownerId, "no");
    expect(lastReply(kept)).toMatch(/^Okay, nothing changed: your session stays on /);
    expect(kept.bookingInfo?.moveOptions).toBeUndefined();
    expect(await row(booked.bookingId)).toEqual(before);
    expect((await allSent(booked.bookingId)).map((message) => message.kind)).toEqual(["confirmation"]);
  });
});

describe("the move in D1", () => {
  const wednesday = () => dateAhead("wednesday", 3);
  const free = (): BookingSlot => ({ tutorId: "t-001", date: wednesday(), start: "15:00", end: "16:00" }); // Maya Chen, Wednesdays 14-17

  it("two students moving into one free slot at the same time: exactly one wins, the other keeps their booking unchanged", async () => {
    const target = { ...free(), start: "14:00", end: "15:00" };
    const first = await inserted({ tutorId: "t-001", date: dateAhead("monday", 3), start: "09:00", end: "10:00" });
    const second = await inserted({ tutorId: "t-002", date: dateAhead("thursday", 3), start: "16:00", end: "17:00" });
    const before = [await row(first.id), await row(second.id)];

    const outcomes = await Promise.all([
      performEffect(moveEffect(first.id, target), effectContext(first.ownerId)),
      performEffect(moveEffect(second.id, target), effectContext(second.ownerId)),
    ]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.find((outcome) => !outcome.ok)).toEqual({ ok: false, reason: "slot_taken" });
    const winner = outcomes[0]!.ok ? 0 : 1;
    const [won, lost] = winner === 0 ? [first, second] : [second, first];
    expect(await row(won.id)).toMatchObject({ ...target, status: "confirmed" });
    expect(await row(lost.id)).toEqual(before[1 - winner]);
    const atTarget = await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE tutor_id = ?1 AND date = ?2 AND start = ?3 AND status = 'confirmed'")
      .bind(target.tutorId, target.date, target.start)
      .first<{ n: number }>();
    expect(atTarget?.n).toBe(1);
    expect((await allSent(won.id)).map((message) => message.kind)).toEqual(["update"]);
    expect(await outbox(lost.id).messages()).toEqual([]);
  });

  it("a move into a taken slot, or an overlapping one, leaves the original where it was", async () => {
    const target = { ...free(), start: "16:00", end: "17:00" };
    await inserted(target);
    const mine = await inserted({ tutorId: "t-001", date: dateAhead("friday", 3), start: "10:00", end: "11:00" });
    const before = await row(mine.id);
    expect(await performEffect(moveEffect(mine.id, target), effectContext(mine.ownerId))).toEqual({ ok: false, reason: "slot_taken" });
    expect(await performEffect(moveEffect(mine.id, { ...target, start: "15:30", end: "16:30" }), effectContext(mine.ownerId))).toEqual({ ok: false, reason: "slot_taken" });
    expect(await row(mine.id)).toEqual(before);
    // Outside the tutor's hours: not offered, nothing changes.
    expect(await performEffect(moveEffect(mine.id, { ...target, start: "18:00", end: "19:00" }), effectContext(mine.ownerId))).toEqual({ ok: false, reason: "unavailable" });
    expect(await row(mine.id)).toEqual(before);
  });

  it("a move less than the cutoff before the ORIGINAL start is refused with the rule in words, and changes nothing", async () => {
    const soon = new Date(Date.now() + 3 * HOUR);
    const local = localNow(soon, TIME_ZONE);
    const start = `${String(Math.floor(local.minutes / 60)).padStart(2, "0")}:00`;
    const end = `${String(Math.floor(local.minutes / 60) + 1).padStart(2, "0")}:00`;
    const late = await inserted({ tutorId: "t-004", date: local.date, start, end });
    const before = await row(late.id);
    const effect = moveEffect(late.id, free());
    const outcome = await performEffect(effect, effectContext(late.ownerId));
    expect(outcome).toEqual({ ok: false, reason: "too_late", cutoffHours: 24 });
    expect(await row(late.id)).toEqual(before);
    expect(await outbox(late.id).messages()).toEqual([]);
    const info = { step: "confirmed" as const, tutorId: "t-004", tutorName: "Kwame Mensah", bookingId: late.id, slot: { day: weekdayOf(local.date), date: local.date, start, end } };
    const said = describeEffectOutcome({ pendingMatch: null, searchCriteria: null, availableTutors: [], bookingInfo: info }, effect, outcome);
    expect(said.replies[0]!.content).toMatch(/^This session can't be moved: the center allows changes up to 24 hours before the start/);
  });

  it("another owner's booking id is not found, and nothing changes", async () => {
    const theirs = await inserted({ tutorId: "t-001", date: dateAhead("friday", 10), start: "11:00", end: "12:00" });
    const before = await row(theirs.id);
    expect(await performEffect(moveEffect(theirs.id, free()), effectContext(newOwnerId()))).toEqual({ ok: false, reason: "not_found" });
    expect(await row(theirs.id)).toEqual(before);
    expect(await outbox(theirs.id).messages()).toEqual([]);
  });

  it("costs 2 statements in D1 per move (the read, the one UPDATE) and a retried move writes and sends nothing more", async () => {
    const mine = await inserted({ tutorId: "t-001", date: dateAhead("monday", 10), start: "11:00", end: "12:00" });
    const to = { tutorId: "t-001", date: addDays(dateAhead("monday", 10), 2), start: "16:00", end: "17:00" };
    const metered = meteredD1(env.DB);
    const moved = await moveConfirmedBooking(metered.db, { bookingId: mine.id, ownerId: mine.ownerId, to, now: Date.now() }, policy);
    expect(moved).toMatchObject({ ok: true, already: false, from: { tutorId: "t-001", start: "11:00" } });
    // The row, and its entries in the three indexes on the columns that changed (one per slot, by email, by date).
    expect(metered.counts).toMatchObject({ statements: 2, rowsWritten: ROWS_WRITTEN_PER_MOVE });
    metered.reset();
    expect(await moveConfirmedBooking(metered.db, { bookingId: mine.id, ownerId: mine.ownerId, to, now: Date.now() }, policy)).toMatchObject({ ok: true, already: true });
    expect(metered.counts).toMatchObject({ statements: 1, rowsWritten: 0 });

    // The effect around it: the mail event once, however often the effect runs.
    const context = effectContext(mine.ownerId);
    const first = await performEffect(moveEffect(mine.id, to), context);
    const writesBefore = (await outbox(mine.id).rowCounts()).writes;
    const retry = await performEffect(moveEffect(mine.id, to), context);
    expect(retry).toEqual(first);
    expect(first).toEqual({ ok: true, bookingId: mine.id, emailedTo: `${mine.ownerId}@example.com` });
    expect((await outbox(mine.id).rowCounts()).writes).toBe(writesBefore);
    expect((await allSent(mine.id)).map((message) => message.kind)).toEqual(["update"]);
  });
});

/** Measured by the test above (D1 counts index entries as rows): docs/bookings.md, "Move". */
const ROWS_WRITTEN_PER_MOVE = 4;

describe("a move in the MailOutbox", () => {
  const at = (date: string, clock: string) => zonedToEpoch(date, clock, TIME_ZONE);

  it("drops the old time's reminders and fires new ones at the new times, with SEQUENCE 1; a move back is a move of its own", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2027-02-01", "12:00"));
    const { id: bookingId } = await inserted({ tutorId: "t-003", date: "2027-02-05", start: "13:00", end: "14:00" });
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: "confirmed" }));
    await runDurableObjectAlarm(outbox(bookingId));

    // The move itself is D1's (tested above); here the outbox hears of it.
    vi.setSystemTime(at("2027-02-02", "09:00"));
    await env.DB.prepare("UPDATE bookings SET date = '2027-02-09', start = '10:00', \"end\" = '11:00' WHERE id = ?1").bind(bookingId).run();
    const event = movedEvent({ tutorId: "t-003", date: "2027-02-09", start: "10:00" });
    const before = await outbox(bookingId).rowCounts();
    const queued = unwrapOk(await outbox(bookingId).enqueue({ bookingId, event }));
    const after = await outbox(bookingId).rowCounts();
    expect(queued.recipients).toEqual([{ role: "student", to: expect.stringMatching(/@example\.com$/) }]);
    expect(after.writes - before.writes).toBe(OUTBOX_WRITES_PER_MOVE);
    // The same move again (a retried effect): nothing more.
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event }));
    expect((await outbox(bookingId).rowCounts()).writes).toBe(after.writes);

    const reminders = (await outbox(bookingId).messages()).filter((message) => message.kind === "reminder");
    expect(reminders.map((message) => [message.key.replace(`${bookingId}:`, ""), message.status, message.nextAttemptAt])).toEqual([
      ["reminder-1h:0:student", "superseded", null],
      ["reminder-24h:0:student", "superseded", null],
      ["reminder-1h:1:student", "pending", at("2027-02-09", "09:00")],
      ["reminder-24h:1:student", "pending", at("2027-02-08", "10:00")],
    ]);
    const sent = () => fake.requests.filter((request) => request.outcome === 200).map((request) => request.idempotencyKey?.replace(`${bookingId}:`, ""));
    for (const time of [at("2027-02-02", "09:00"), at("2027-02-04", "13:00"), at("2027-02-05", "12:00")]) {
      vi.setSystemTime(time);
      await runDurableObjectAlarm(outbox(bookingId));
    }
    // The update went out at once; the old 24 h and 1 h times passed without a reminder.
    expect(sent()).toEqual(["confirmation:0:student", "update:1:student"]);
    for (const time of [at("2027-02-08", "10:00"), at("2027-02-09", "09:00")]) {
      vi.setSystemTime(time);
      await runDurableObjectAlarm(outbox(bookingId));
    }
    expect(sent()).toEqual(["confirmation:0:student", "update:1:student", "reminder-24h:1:student", "reminder-1h:1:student"]);

    // Moved back to the first slot: a new event (SEQUENCE 2), not a repeat of the original.
    vi.setSystemTime(at("2027-02-09", "09:30"));
    const back = movedEvent({ tutorId: "t-003", date: "2027-02-05", start: "13:00" });
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: back }));
    await runDurableObjectAlarm(outbox(bookingId));
    const again = movedEvent({ tutorId: "t-003", date: "2027-02-09", start: "10:00" });
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: again }));
    await runDurableObjectAlarm(outbox(bookingId));
    expect(sent().filter((key) => key?.startsWith("update:"))).toEqual(["update:1:student", "update:2:student", "update:3:student"]);
  });

  it("refuses an event id that is not a move or a known change", async () => {
    const result = await outbox("bk-nothing").enqueue({ bookingId: "bk-nothing", event: "moved:somewhere" as never });
    expect(result).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
  });
});

/**
 * The event row (2 with its key's index), the old time's 2 reminders superseded (2 each: the row and
 * its due-index entry), the update email (3) and 2 new reminders (3 each): docs/bookings.md, "Move".
 */
const OUTBOX_WRITES_PER_MOVE = 15;
