import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { seriesToCsv } from "../../lib/analytics/csv";
import { emptyCounts, type Counter, type Counts } from "../../lib/analytics/events";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { DEFAULT_TIME_ZONE, weekdayOf, zonedToEpoch } from "../../lib/calendar";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { chatSession, flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";
import { notificationsOf, studentMemory } from "../../services/objects";

/**
 * A day in the life of the center, scripted through the sidecar's RPC entry at a fixed Wednesday
 * morning: four students chat (A books, moves; B books, C waits for B's slot, B cancels and C is
 * offered it; D leaves a message), and staff answer D and cancel A's session for the center. The
 * test keeps its own ledger of what happened and then reads every view — analytics and its CSV,
 * each student's bell, their memory, the mail sent, C's chat, the staff schedule — against it,
 * exactly: a view that misses or doubles an effect fails.
 */

const DAY = "2031-01-08"; // a Wednesday, far enough ahead that every alarm is in the platform's future
const ZONE = DEFAULT_TIME_ZONE;
let fake: FakeMailApi;

type Student = { name: string; email: string; ownerId: string; sessionId: string };
type MailKind = "Booked" | "Moved" | "Cancelled";

/** What happened, written as it happens; every view is compared with it. */
const ledger = {
  counts: emptyCounts(),
  notes: new Map<string, string[]>(), // ownerId → notification kinds, oldest first
  mail: new Map<string, [MailKind, "REQUEST" | "CANCEL", number][]>(), // email → [subject kind, METHOD, SEQUENCE]
  bookings: new Map<string, { status: string; attendance: string | null }>(), // bookingId → what the schedule should show
};

function count(counter: Counter, n = 1) {
  ledger.counts[counter] += n;
}
function note(one: Student, kind: string) {
  ledger.notes.set(one.ownerId, [...(ledger.notes.get(one.ownerId) ?? []), kind]);
}
function mailed(one: Student, entry: [MailKind, "REQUEST" | "CANCEL", number]) {
  ledger.mail.set(one.email, [...(ledger.mail.get(one.email) ?? []), entry]);
}

function student(name: string): Student {
  return { name, email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`, ownerId: newOwnerId(), sessionId: newSessionId() };
}

const started = new Set<string>();
/** One chat message, counted in the ledger (a chat's first message also starts it). */
async function say(one: Student, content: string): Promise<ChatState> {
  if (!started.has(one.sessionId)) {
    started.add(one.sessionId);
    count("chat_started");
  }
  count("message");
  return unwrapOk(await sidecar.sendMessage(one.sessionId, one.ownerId, { content })).state;
}

const lastReply = (state: ChatState) => state.messages.filter((message) => message.role === "assistant").at(-1)?.content ?? "";

/** Runs the booking's MailOutbox alarm: what is due on the test clock goes to the fake mail API. */
async function sendMail(bookingId: string) {
  await runDurableObjectAlarm(env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId)));
}

async function toReview(one: Student, request: string): Promise<ChatState> {
  await say(one, request);
  await say(one, QUICK.book);
  await say(one, "yes");
  await say(one, `${one.name} Lovelace, ${one.email}`);
  const state = await say(one, "Online. Recursion");
  expect(state.bookingInfo?.step, lastReply(state)).toBe("review");
  return state;
}

async function book(one: Student, request: string): Promise<{ bookingId: string; tutorId: string }> {
  await toReview(one, request);
  const state = await say(one, QUICK.confirm);
  expect(state.bookingInfo?.step, lastReply(state)).toBe("confirmed");
  const bookingId = state.bookingInfo!.bookingId!;
  count("booking_made");
  note(one, "booking_confirmed");
  mailed(one, ["Booked", "REQUEST", 0]);
  ledger.bookings.set(bookingId, { status: "confirmed", attendance: null });
  await sendMail(bookingId);
  return { bookingId, tutorId: state.bookingInfo!.tutorId! };
}

beforeAll(seedCatalog);

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(zonedToEpoch(DAY, "09:00", ZONE));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a day at the center, compared with its ledger", () => {
  it("every view agrees with what happened: analytics and CSV, bells, memory, mail, the waitlist offer and the staff schedule", async () => {
    expect(weekdayOf(DAY)).toBe("wednesday");
    const [a, b, c, d] = [student("Ada"), student("Bea"), student("Cal"), student("Dee")];
    await verifiedAddresses(a.email, b.email, c.email, d.email);

    // A books Python on Monday at 10, then moves it to the next hour the assistant offers.
    const aBooking = await book(a, "I need help with Python on Monday at 10");
    const offer = await say(a, QUICK.reschedule);
    expect(offer.bookingInfo?.moveOptions?.length, lastReply(offer)).toBeGreaterThan(0);
    const moved = await say(a, "yes");
    expect(lastReply(moved)).toMatch(/^Done: your session is moved to /);
    const aSlot = moved.bookingInfo!.slot!;
    expect(moved.bookingInfo?.movedFrom).toMatchObject({ date: offer.bookingInfo?.slot?.date, start: offer.bookingInfo?.slot?.start });
    expect([aSlot.date, aSlot.start]).not.toEqual([offer.bookingInfo?.slot?.date, offer.bookingInfo?.slot?.start]);
    const aTutor = moved.bookingInfo!.tutorId!;
    count("booking_moved");
    note(a, "moved");
    mailed(a, ["Moved", "REQUEST", 1]);
    await sendMail(aBooking.bookingId);

    // B books Friday at 10; C reached the same review, is told it was just taken and joins the waitlist.
    await toReview(c, "I need help with Python on Friday at 10");
    const bBooking = await book(b, "I need help with Python on Friday at 10");
    const taken = await say(c, QUICK.confirm);
    expect(lastReply(taken)).toMatch(/just taken/);
    expect(lastReply(await say(c, QUICK.joinWaitlist))).toMatch(/number 1 in line\.$/);

    // B cancels in the chat (asked, then yes): C is offered the slot, live in their chat.
    expect((await say(b, "cancel my booking")).bookingInfo?.step).toBe("confirmed");
    const cancelled = await say(b, "yes");
    expect(cancelled.bookingInfo?.step, lastReply(cancelled)).toBe("cancelled");
    count("booking_cancelled");
    note(b, "booking_cancelled");
    mailed(b, ["Cancelled", "CANCEL", 1]);
    ledger.bookings.set(bBooking.bookingId, { status: "cancelled", attendance: null });
    note(c, "waitlist_offer");
    await sendMail(bBooking.bookingId);
    await vi.waitFor(async () => {
      const state = unwrapOk(await chatSession(c.sessionId).getState(c.ownerId));
      expect(state.messages.at(-1)?.content).toMatch(/A place opened up/);
      expect(state.messages.at(-1)?.quickReplies).toEqual([QUICK.bookIt, QUICK.leaveWaitlist]);
      expect(state.bookingInfo).toMatchObject({ step: "review", fromWaitlist: true, tutorId: bBooking.tutorId });
    });

    // D leaves a message for the center: asked for the words, shown them, sends on yes.
    await say(d, QUICK.leaveMessage);
    const words = `Can I bring my own laptop? ${crypto.randomUUID()}`;
    expect(lastReply(await say(d, words))).toContain(`«${words}»`);
    expect(lastReply(await say(d, QUICK.yes))).toMatch(/^Sent: /);
    count("handoff");

    // Staff: claim D's message and reply (a first reply, at the same instant: 0 ms), then cancel A's session for the center.
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages.filter((message) => message.sessionId === d.sessionId);
    expect(waiting).toHaveLength(1);
    const claimed = unwrapOk(await sidecar.staffClaim(session.token, waiting[0]!.messageId));
    const reply = "Yes, bring it along.";
    unwrapOk(await sidecar.staffReply(session.token, { messageId: waiting[0]!.messageId, leaseId: claimed.lease.leaseId, reply }));
    count("staff_first_reply");
    expect(unwrapOk(await chatSession(d.sessionId).getState(d.ownerId)).messages.at(-1)).toMatchObject({ content: reply, author: { kind: "staff" } });

    unwrapOk(await sidecar.staffScheduleCancel(session.token, { bookingId: aBooking.bookingId, reason: "Tutor is ill" }));
    count("booking_cancelled");
    note(a, "booking_cancelled");
    mailed(a, ["Cancelled", "CANCEL", 2]);
    ledger.bookings.set(aBooking.bookingId, { status: "cancelled", attendance: null });
    await sendMail(aBooking.bookingId);

    // Yesterday's session (a row as the assistant writes it) was missed: marked a no-show twice, counted once.
    const missed = `bk-${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, created_at, updated_at)
       VALUES (?, ?, ?, 't-001', '2031-01-07', '10:00', '11:00', 'Eve Student', ?, 'online', '', 'confirmed', 1, 1)`,
    ).bind(missed, newSessionId(), newOwnerId(), student("Eve").email).run();
    for (let i = 0; i < 2; i += 1) unwrapOk(await sidecar.staffScheduleAttendance(session.token, { bookingId: missed, attendance: "no_show" }));
    count("no_show");
    ledger.bookings.set(missed, { status: "confirmed", attendance: "no_show" });

    // Analytics: the day's totals are the ledger's counts, exactly, once every chat reported its own (its
    // alarm; the staff's and My bookings' direct counts land just after each answer: polled).
    const query = { from: DAY, to: DAY, granularity: "day" as const };
    await flushChatAnalytics(...started);
    await vi.waitFor(async () => expect(unwrapOk(await sidecar.staffAnalytics(session.token, query)).totals).toEqual(ledger.counts), { timeout: 10_000 });
    const series = unwrapOk(await sidecar.staffAnalytics(session.token, query));
    const [header, row] = seriesToCsv(series).split("\r\n");
    const csv = Object.fromEntries(header!.split(",").map((column, i) => [column, row!.split(",")[i]]));
    const expected: Counts = ledger.counts;
    expect(csv).toMatchObject({
      time: DAY,
      chats_started: String(expected.chat_started),
      messages: String(expected.message),
      bookings_made: String(expected.booking_made),
      bookings_moved: String(expected.booking_moved),
      bookings_cancelled: String(expected.booking_cancelled),
      late_cancels: "0",
      no_shows: String(expected.no_show),
      handoffs: String(expected.handoff),
      first_staff_replies: String(expected.staff_first_reply),
    });

    // Each student's bell: the kinds the ledger wrote, newest first, all unread.
    for (const one of [a, b, c, d]) {
      const bell = unwrapOk(await notificationsOf(env, one.ownerId).list(one.ownerId));
      const kinds = ledger.notes.get(one.ownerId) ?? [];
      expect(bell.notifications.map((entry) => entry.kind), one.name).toEqual([...kinds].reverse());
      expect(bell.unread, one.name).toBe(kinds.length);
    }

    // Memory: A's tutor fact is at the hour it was moved to, cancelled by the center; B's cancelled by B.
    await vi.waitFor(async () => {
      const aFacts = unwrapOk(await studentMemory(env, a.ownerId).recall(a.ownerId)).facts;
      expect(aFacts.find((fact) => fact.id === `tutor:${aTutor}`)?.detail).toMatchObject({
        day: weekdayOf(aSlot.date), start: aSlot.start, outcome: "cancelled", cancelledBy: "center", bookingId: aBooking.bookingId,
      });
      const bFact = unwrapOk(await studentMemory(env, b.ownerId).recall(b.ownerId)).facts.find((fact) => fact.id === `tutor:${bBooking.tutorId}`);
      expect(bFact?.detail).toMatchObject({ outcome: "cancelled", bookingId: bBooking.bookingId });
      expect(bFact?.detail?.cancelledBy).not.toBe("center");
    }, { timeout: 10_000 });

    // Mail: to each student exactly the ledger's messages, in order, with the invite's METHOD and SEQUENCE.
    for (const one of [a, b, c, d]) {
      const sent = fake.delivered().filter((request) => request.body.to.some((to) => to.toLowerCase() === one.email.toLowerCase()));
      const seen = sent.map((request) => {
        const ics = inviteOf(request);
        return [request.body.subject.split(":")[0], /^METHOD:(\w+)/m.exec(ics)?.[1], Number(/^SEQUENCE:(\d+)/m.exec(ics)?.[1])];
      });
      expect(seen, one.name).toEqual(ledger.mail.get(one.email) ?? []);
    }
    // Nothing else was sent (the seed's tutors have no address), and nothing was sent twice.
    const ledgerMail = [...ledger.mail.values()].flat().length;
    expect(fake.delivered()).toHaveLength(ledgerMail);
    expect(fake.requests).toHaveLength(ledgerMail);

    // The staff schedule: each booking of the day shows the status the ledger has for it.
    for (const [bookingId, shown] of ledger.bookings) {
      const row = await env.DB.prepare("SELECT date FROM bookings WHERE id = ?").bind(bookingId).first<{ date: string }>();
      const week = unwrapOk(await sidecar.staffScheduleWeek(session.token, { from: row!.date }));
      expect(week.bookings.filter((booking) => booking.id === bookingId).map(({ status, attendance }) => ({ status, attendance })), bookingId).toEqual([shown]);
    }
    expect(ledger.bookings.size).toBe(3);
  });
});
