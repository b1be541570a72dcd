import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { BOOKING_REFERENCE_PATTERN } from "../../lib/ids";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { DEFAULT_TIME_ZONE, zonedToEpoch } from "../../lib/calendar";
import { insertOfferedBooking } from "../../services/db/bookings";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * Every booking has a short reference ("K7MQ-2XPD") besides its id: the chat, My bookings, the
 * emails, the invite and the staff schedule give it as the booking number, staff find the booking
 * by it, and the id stays the key everywhere else.
 */

const DAY = "2031-03-05"; // a Wednesday
let fake: FakeMailApi;

beforeAll(seedCatalog);

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(zonedToEpoch(DAY, "09:00", DEFAULT_TIME_ZONE));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const lastReply = (state: ChatState) => state.messages.filter((message) => message.role === "assistant").at(-1)?.content ?? "";
/** An invite's text with its folded lines joined again (RFC 5545 folds at 75 octets). */
const unfolded = (ics: string) => ics.replace(/\r?\n[ \t]/g, "");

async function bookInChat(request: string) {
  const student = { ownerId: newOwnerId(), sessionId: newSessionId(), email: `ref-${crypto.randomUUID().slice(0, 8)}@example.com` };
  await verifiedAddresses(student.email);
  let state: ChatState | undefined;
  for (const content of [request, QUICK.book, "yes", `Ada Lovelace, ${student.email}`, "Online. Recursion", QUICK.confirm]) {
    state = unwrapOk(await sidecar.sendMessage(student.sessionId, student.ownerId, { content })).state;
  }
  expect(state?.bookingInfo?.step, lastReply(state!)).toBe("confirmed");
  return { ...student, state: state! };
}

/** A booking with Diego Alvarez on the Thursday after DAY (no chat here books him), for the guarded INSERT. */
function offer(start: string, end: string) {
  return {
    id: `bk-${crypto.randomUUID().replaceAll("-", "")}`, sessionId: newSessionId(), ownerId: newOwnerId(), tutorId: "t-002", date: "2031-03-06", start, end,
    studentName: "Grace", studentEmail: `grace-${crypto.randomUUID().slice(0, 8)}@example.com`, mode: "online" as const, intake: "", subject: "Python",
    now: Date.now(), timeZone: DEFAULT_TIME_ZONE,
  };
}

describe("a booking's short reference", () => {
  it("is the booking number in the chat, My bookings, the emails, the invite and the staff schedule; the id stays the key", async () => {
    const { ownerId, email, state } = await bookInChat("I need help with Python on Monday at 10");
    const { bookingId, reference } = state.bookingInfo!;
    expect(bookingId).toMatch(/^bk-[0-9a-f]{32}$/);
    expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);
    expect(lastReply(state)).toContain(`Your booking number is ${reference}.`);
    expect(lastReply(state)).not.toContain(bookingId);

    expect(unwrapOk(await sidecar.listBookings(ownerId))).toEqual([expect.objectContaining({ id: bookingId, reference })]);

    await runDurableObjectAlarm(env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId!)));
    const [sent] = fake.delivered().filter((request) => request.body.to.includes(email));
    expect(sent?.body.text).toContain(`Booking number: ${reference}`);
    expect(sent?.body.text).not.toContain(bookingId);
    const ics = unfolded(inviteOf(sent!));
    expect(ics).toMatch(new RegExp(`^DESCRIPTION:Booking ${reference} at `, "m"));
    // The calendar event is still keyed by the id: a later update or cancel finds the same event.
    expect(ics).toContain(`UID:${bookingId}@tutor-chat.bookings`);

    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const week = unwrapOk(await sidecar.staffScheduleWeek(session.token, { from: state.bookingInfo!.slot.date }));
    expect(week.bookings.find((booking) => booking.id === bookingId)?.reference).toBe(reference);
  });

  it("finds the booking on the staff schedule as a person types it: only that booking, in its week", async () => {
    const { state } = await bookInChat("I need help with Python on Tuesday at 2pm");
    const { bookingId, reference, slot } = state.bookingInfo!;
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const typed = reference!.toLowerCase().replace("-", " ");
    const found = unwrapOk(await sidecar.staffScheduleWeek(session.token, { reference: typed }));
    expect(found.reference).toBe(reference);
    expect(found.bookings.map((booking) => booking.id)).toEqual([bookingId]);
    expect(found.from <= slot.date && slot.date <= found.to).toBe(true);

    const unknown = reference === "ZZZZ-ZZZZ" ? "YYYY-YYYY" : "ZZZZ-ZZZZ";
    expect(await sidecar.staffScheduleWeek(session.token, { reference: unknown })).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    for (const bad of ["K7MQ-2XP0", "K7MQ", "O1IL-2345", "x".repeat(40)]) {
      expect(await sidecar.staffScheduleWeek(session.token, { reference: bad }), bad).toMatchObject({ ok: false, error: { code: "bad_request:query" } });
    }
    // A tutor finds only their own tutor's bookings.
    const other = state.bookingInfo!.tutorId === "t-001" ? "t-002" : "t-001";
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor", other);
    expect(await sidecar.staffScheduleWeek(tutor.session.token, { reference: reference! })).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
  });

  it("is drawn again when another booking holds the one drawn", async () => {
    const first = await insertOfferedBooking(env.DB, offer("16:00", "17:00"));
    expect(first).toMatch(BOOKING_REFERENCE_PATTERN);
    const draws = [first!, "HHHH-2222"];
    const second = offer("17:00", "18:00");
    expect(await insertOfferedBooking(env.DB, second, () => draws.shift()!)).toBe("HHHH-2222");
    expect(draws).toEqual([]);
    const row = await env.DB.prepare("SELECT reference FROM bookings WHERE id = ?").bind(second.id).first<{ reference: string }>();
    expect(row?.reference).toBe("HHHH-2222");
    // A reference that never comes free: the write gives up with the index's error, and nothing is booked.
    const stuck = offer("18:00", "19:00");
    await expect(insertOfferedBooking(env.DB, stuck, () => first!)).rejects.toThrow(/UNIQUE constraint failed: bookings\.reference/);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE id = ?").bind(stuck.id).first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("is given to bookings made before references by the migration: one each, all different", async () => {
    const ids = Array.from({ length: 40 }, () => `bk-${crypto.randomUUID().replaceAll("-", "")}`);
    await env.DB.batch(
      ids.map((id, i) =>
        env.DB.prepare(
          `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
           VALUES (?, ?, ?, 't-001', '2030-01-07', ?, ?, 'Old Student', 'old@example.com', 'online', '', 'ended', 1, 1)`,
        ).bind(id, newSessionId(), newOwnerId(), `0${i % 10}:00`.slice(-5), `0${i % 10}:30`.slice(-5)),
      ),
    );
    const migration = env.TEST_MIGRATIONS.find((entry) => entry.name.startsWith("0022_"));
    const backfill = migration?.queries.find((query) => /^\s*(--[^\n]*\n\s*)*UPDATE `bookings` SET `reference`/.test(query));
    expect(backfill).toBeDefined();
    await env.DB.prepare(backfill!).run();
    const placeholders = ids.map(() => "?").join(",");
    const { results } = await env.DB.prepare(`SELECT reference FROM bookings WHERE id IN (${placeholders})`).bind(...ids).all<{ reference: string }>();
    expect(results).toHaveLength(ids.length);
    for (const { reference } of results) expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);
    expect(new Set(results.map((row) => row.reference)).size).toBe(ids.length);
  });
});
