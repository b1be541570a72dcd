import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { DEFAULT_TIME_ZONE, localNow, zonedToEpoch } from "../../lib/calendar";
import { cancelMyBooking } from "../../services/my-bookings";
import { performEffect } from "../../services/effects";
import { recordAnalytics } from "../../services/analytics";
import type { AnalyticsEvent } from "../../lib/analytics/events";
import { analyticsObject, mailOutbox, notificationsOf, sessionManager } from "../../services/objects";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { StaffSchedule } from "../../workers/staff/schedule";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi } from "../fakes/mail-api";
import { chatSession, flushChatAnalytics, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * One cancel (services/bookings.ts) for its three callers: the student's chat, My bookings and the
 * staff schedule. For each, every effect a cancel has is checked where it shows: the row, the
 * session's end alarm, the waitlist's offer to the next in line, the student's memory, the count,
 * the email, the bell and the chat. Then the same with the SessionManager failing after the row was
 * committed (a binding whose calls fail, standing in for the platform losing the object): the cancel
 * stands and every other effect still happens.
 */

const DAY = "2032-03-03"; // a Wednesday: the cancels are well before the 24-hour cutoff
const ZONE = DEFAULT_TIME_ZONE;

type Student = { name: string; email: string; ownerId: string; sessionId: string };

function student(name: string): Student {
  return { name, email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`, ownerId: newOwnerId(), sessionId: newSessionId() };
}

async function say(one: Student, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(one.sessionId, one.ownerId, { content })).state;
}

async function toReview(one: Student, request: string): Promise<ChatState> {
  await say(one, request);
  await say(one, QUICK.book);
  await say(one, "yes");
  await say(one, `${one.name} Lovelace, ${one.email}`);
  const state = await say(one, "Online. Recursion");
  expect(state.bookingInfo?.step).toBe("review");
  return state;
}

/** The holder books `request`'s slot; the waiter had reached the same review and joins its waitlist. */
async function heldAndAwaited(request: string) {
  const [holder, waiter] = [student("Ada"), student("Cal")];
  await verifiedAddresses(holder.email, waiter.email);
  await toReview(waiter, request);
  await toReview(holder, request);
  const booked = await say(holder, QUICK.confirm);
  expect(booked.bookingInfo?.step).toBe("confirmed");
  expect((await say(waiter, QUICK.confirm)).messages.at(-1)?.content).toMatch(/just taken/);
  expect((await say(waiter, QUICK.joinWaitlist)).messages.at(-1)?.content).toMatch(/number 1 in line\.$/);
  return { holder, waiter, bookingId: booked.bookingInfo!.bookingId! };
}

async function cancelledCount(): Promise<number> {
  return unwrapOk(await analyticsObject(env).series({ from: DAY, to: DAY, granularity: "day" }, ZONE)).totals.booking_cancelled;
}

/** A SessionManager binding whose every call fails: the platform lost the object after D1 committed. */
const lostSessionManagers = {
  idFromName: (name: string) => env.SESSION_MANAGER.idFromName(name),
  get: () => ({
    cancel: () => Promise.reject(new Error("SessionManager unreachable (injected fault)")),
    schedule: () => Promise.reject(new Error("SessionManager unreachable (injected fault)")),
  }),
} as unknown as Env["SESSION_MANAGER"];

type Caller = "chat" | "my bookings" | "staff";

async function cancelBy(caller: Caller, booking: { holder: Student; bookingId: string }, sessionManagerLost: boolean): Promise<void> {
  const cancelEnv = sessionManagerLost ? { ...env, SESSION_MANAGER: lostSessionManagers } : env;
  const now = Date.now();
  switch (caller) {
    case "chat":
      if (!sessionManagerLost) {
        await say(booking.holder, "cancel my booking");
        expect((await say(booking.holder, "yes")).bookingInfo?.step).toBe("cancelled");
        // The chat reports its turn's counts from its alarm.
        await flushChatAnalytics(booking.holder.sessionId);
        return;
      }
    {
      // The chat turn's own effect, with the lost binding (the object's env cannot be swapped from outside).
      // Its counts go into the turn's list, which the turn records with its own (one Analytics call).
      const events: AnalyticsEvent[] = [];
      expect(
        await performEffect({ type: "cancel_booking", bookingId: booking.bookingId }, {
          env: cancelEnv, sessionId: booking.holder.sessionId, ownerId: booking.holder.ownerId, messageId: crypto.randomUUID(),
          transcript: [], now: new Date(now), policy: { ...DEFAULT_CENTER_POLICY, timeZone: ZONE }, events,
        }),
      ).toMatchObject({ ok: true, bookingId: booking.bookingId, emailedTo: booking.holder.email });
      expect(events).toEqual([{ type: "booking_cancelled" }]);
      recordAnalytics(env, FIRST_CENTER, events, undefined, now);
      return;
    }
    case "my bookings":
      expect(unwrapOk(await cancelMyBooking(cancelEnv, { ownerId: booking.holder.ownerId, bookingId: booking.bookingId, now }, () => undefined))).toMatchObject({
        status: "cancelled", lateCancel: false, emailedTo: booking.holder.email,
      });
      return;
    case "staff": {
      const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
      const answer = await new StaffSchedule(cancelEnv).cancel(session.token, { bookingId: booking.bookingId, reason: "Tutor is ill" });
      expect(unwrapOk(answer)).toEqual({ bookingId: booking.bookingId, status: "cancelled", studentTold: true, studentEmailed: true });
    }
  }
}

beforeAll(seedCatalog);

beforeEach(() => {
  vi.stubGlobal("fetch", createFakeMailApi().fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(zonedToEpoch(DAY, "09:00", ZONE));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const CASES: [Caller, boolean, string][] = [
  ["chat", false, "I need help with Python on Monday at 9"],
  ["my bookings", false, "I need help with Python on Monday at 11"],
  ["staff", false, "I need help with Python on Tuesday at 10"],
  ["chat", true, "I need help with Python on Tuesday at 11"],
  ["my bookings", true, "I need help with Python on Friday at 10"],
  ["staff", true, "I need help with Python on Friday at 11"],
];

describe("one cancel, whoever asks", () => {
  it.each(CASES)("cancelled from %s (SessionManager lost: %s): every effect happens", async (caller, lost, request) => {
    expect(localNow(new Date(), ZONE).weekday).toBe("wednesday");
    const booking = await heldAndAwaited(request);
    const before = await cancelledCount();
    await cancelBy(caller, booking, lost);
    const { holder, waiter, bookingId } = booking;
    const byCenter = caller === "staff";

    // The row, written once.
    expect(await env.DB.prepare("SELECT status, cancelled_by FROM bookings WHERE id = ?").bind(bookingId).first()).toEqual({
      status: "cancelled", cancelled_by: byCenter ? "staff" : "student",
    });
    // The session's end alarm is dropped (when the object could be reached).
    if (!lost) expect(await sessionManager(env, bookingId).status()).toBeNull();
    // The next in line is offered the slot, live in their chat.
    await vi.waitFor(async () => {
      const offered = unwrapOk(await chatSession(waiter.sessionId).getState(waiter.ownerId));
      expect(offered.messages.at(-1)?.content).toMatch(/A place opened up/);
    });
    // The memory: the student's own cancel stops the "again" offer; the center's keeps it.
    await vi.waitFor(async () => {
      const facts = unwrapOk(await sidecar.memoryFacts(holder.ownerId)).facts;
      const tutorFact = facts.find((fact) => fact.kind === "tutor");
      expect(tutorFact?.detail).toMatchObject({ bookingId, outcome: "cancelled" });
    });
    // Counted once.
    await vi.waitFor(async () => expect(await cancelledCount()).toBe(before + 1));
    // The email: one cancellation to the student.
    const mail = (await mailOutbox(env, bookingId).messages()).filter((message) => message.kind === "cancellation" && message.role === "student");
    expect(mail.map((message) => message.to)).toEqual([holder.email]);
    // The bell.
    const bell = unwrapOk(await notificationsOf(env, holder.ownerId).list(holder.ownerId)).notifications;
    expect(bell.filter((note) => note.kind === "booking_cancelled").map((note) => note.title)).toEqual([byCenter ? "Session cancelled by the center" : "Session cancelled"]);
    // The chat that made the booking shows it cancelled (it asked, or was told).
    const chat = unwrapOk(await chatSession(holder.sessionId).getState(holder.ownerId));
    if (!(caller === "chat" && lost)) expect(chat.bookingInfo?.step).toBe("cancelled");
  });
});
