import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { DEFAULT_TIME_ZONE, localNow, zonedToEpoch } from "../../lib/calendar";
import { analyticsObject, mailOutbox, notificationsOf, rateLimiter, sessionManager } from "../../services/objects";
import { LIMITS } from "../../lib/rate-limits";
import { bookingLinkExpiry, mintBookingLinkToken, readBookingLinkToken } from "../../services/booking-link";
import { mailStopToken } from "../../services/mail-stop";
import { mintTicket } from "../../services/socket-ticket";
import { fromBase64Url, toBase64Url } from "../../lib/base64url";
import { createFakeMailApi, type FakeMailApi, type FakeMailRequest } from "../fakes/mail-api";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { sidecar } from "./staff-helpers";

/**
 * The "Manage this booking" link every email to the student carries: a signed token naming one
 * booking, valid until a day after the session's end, that opens the booking on any device and
 * cancels it through the one cancel (every effect, as for My bookings). A link we did not sign,
 * one edited to name another booking, or one past its expiry is a 4xx and changes nothing.
 */

const DAY = "2032-03-03"; // a Wednesday: the cancels are well before the 24-hour cutoff
const ZONE = DEFAULT_TIME_ZONE;
const KEY = env.INTERNAL_KEY;

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

/** The sent emails to `to` whose subject starts with `prefix`, once the booking's outbox sent them (its alarm run now: the clock is faked). */
async function sentTo(bookingId: string, to: string, prefix: string): Promise<FakeMailRequest[]> {
  return vi.waitFor(
    async () => {
      await runDurableObjectAlarm(env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId)));
      const found = fake.requests.filter((request) => request.body.to.includes(to) && request.body.subject.startsWith(prefix));
      if (found.length === 0) throw new Error(`no "${prefix}" email to ${to} yet`);
      return found;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** The manage link's token, read from an email's text as a reader would click it. */
function linkToken(text: string): string {
  const url = /on any device: (https:\/\/\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`no manage link in: ${text}`);
  const path = new URL(url).pathname;
  expect(path.startsWith("/booking/")).toBe(true);
  return decodeURIComponent(path.slice("/booking/".length));
}

async function row(bookingId: string) {
  return env.DB.prepare("SELECT status, cancelled_by FROM bookings WHERE id = ?").bind(bookingId).first();
}

async function cancelledCount(): Promise<number> {
  return unwrapOk(await analyticsObject(env).series({ from: DAY, to: DAY, granularity: "day" }, ZONE)).totals.booking_cancelled;
}

let fake: FakeMailApi;

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

const BOOKING = "bk-0123456789abcdef0123456789abcdef";
const OTHER = "bk-fedcba9876543210fedcba9876543210";

describe("the booking link's token", () => {
  it("opens its own booking until it expires, then never", async () => {
    const now = Date.now();
    const token = await mintBookingLinkToken(KEY, { bookingId: BOOKING, expiresAt: now + 1_000 });
    expect(await readBookingLinkToken(KEY, token, now)).toEqual({ ok: true, claims: { bookingId: BOOKING, expiresAt: now + 1_000 } });
    expect(await readBookingLinkToken(KEY, token, now + 1_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("expires a day after the session's end, in the center's zone", () => {
    expect(bookingLinkExpiry({ date: DAY, end: "10:00", timeZone: ZONE })).toBe(zonedToEpoch("2032-03-04", "10:00", ZONE));
  });

  it("refuses a tampered token, one edited to name another booking, and tokens signed for other purposes", async () => {
    const now = Date.now();
    const token = await mintBookingLinkToken(KEY, { bookingId: BOOKING, expiresAt: now + 60_000 });
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)!));
    const edited = (change: object) => toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, ...change })));
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    const refused = [
      `${edited({ b: OTHER })}.${signature}`, // another booking's id under this booking's signature
      `${edited({ e: now + 10 * 365 * 86_400_000 })}.${signature}`, // a later expiry
      `${payload}.${flipped}`,
      payload,
      `${token}.x`,
      "",
      "x".repeat(2_000),
      await mintBookingLinkToken("another-key", { bookingId: BOOKING, expiresAt: now + 60_000 }),
      await mailStopToken(KEY, "ada@example.com"),
      (await mintTicket(KEY, { sessionId: BOOKING, ownerId: newOwnerId(), now })).ticket,
    ];
    for (const bad of refused) expect(await readBookingLinkToken(KEY, bad, now), bad).toEqual({ ok: false, reason: "invalid" });
    expect(await readBookingLinkToken(KEY, 42, now)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("the link in every email to the student", () => {
  it("is in the confirmation (not the tutor's copy), opens that booking, and cancels it with every effect", async () => {
    expect(localNow(new Date(), ZONE).weekday).toBe("wednesday");
    const { holder, waiter, bookingId } = await heldAndAwaited("I need help with Python on Monday at 9");
    const [confirmation] = await sentTo(bookingId, holder.email, "Booked:");
    expect(confirmation!.body.text).toContain("This link lets anyone who has it manage this booking — don't forward it.");
    expect(fake.requests.filter((request) => !request.body.to.includes(holder.email)).every((request) => !request.body.text.includes("/booking/"))).toBe(true);
    const token = linkToken(confirmation!.body.text);

    const view = unwrapOk(await sidecar.viewBookingByLink(token));
    expect(view).toMatchObject({ bookingId, status: "confirmed", cancellable: true, date: "2032-03-08", start: "09:00", timeZone: ZONE });
    expect(view.number).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(JSON.stringify(view)).not.toContain(holder.email);

    const before = await cancelledCount();
    expect(unwrapOk(await sidecar.cancelBookingByLink(token))).toEqual({ bookingId, status: "cancelled", lateCancel: false, cutoffHours: 24, emailed: true });

    // Every effect of the one cancel, as for My bookings.
    expect(await row(bookingId)).toEqual({ status: "cancelled", cancelled_by: "student" });
    expect(await sessionManager(env, bookingId).status()).toBeNull();
    await vi.waitFor(async () => {
      const offered = unwrapOk(await chatSession(waiter.sessionId).getState(waiter.ownerId));
      expect(offered.messages.at(-1)?.content).toMatch(/A place opened up/);
    });
    await vi.waitFor(async () => {
      const facts = unwrapOk(await sidecar.memoryFacts(holder.ownerId)).facts;
      expect(facts.find((fact) => fact.kind === "tutor")?.detail).toMatchObject({ bookingId, outcome: "cancelled" });
    });
    await vi.waitFor(async () => expect(await cancelledCount()).toBe(before + 1));
    const mail = (await mailOutbox(env, bookingId).messages()).filter((message) => message.kind === "cancellation" && message.role === "student");
    expect(mail.map((message) => message.to)).toEqual([holder.email]);
    const bell = unwrapOk(await notificationsOf(env, holder.ownerId).list(holder.ownerId)).notifications;
    expect(bell.filter((note) => note.kind === "booking_cancelled").map((note) => note.title)).toEqual(["Session cancelled"]);
    expect(unwrapOk(await chatSession(holder.sessionId).getState(holder.ownerId)).bookingInfo?.step).toBe("cancelled");

    // The cancellation email links to view it; the page shows it cancelled and offers nothing more.
    const [cancellation] = await sentTo(bookingId, holder.email, "Cancelled:");
    expect(cancellation!.body.text).toContain("View this booking on any device:");
    expect(unwrapOk(await sidecar.viewBookingByLink(linkToken(cancellation!.body.text)))).toMatchObject({ bookingId, status: "cancelled", cancellable: false });
    // A second cancel through the link changes nothing.
    const again = await sidecar.cancelBookingByLink(token);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe("not_found:booking");
    await vi.waitFor(async () => expect(await cancelledCount()).toBe(before + 1));
  });

  it("answers a bad, edited or expired link with a 4xx and cancels nothing", async () => {
    const { holder, bookingId } = await heldAndAwaited("I need help with Python on Tuesday at 10");
    const token = linkToken((await sentTo(bookingId, holder.email, "Booked:"))[0]!.body.text);
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)!));
    const other = `${toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, b: OTHER })))}.${signature}`;
    for (const bad of [other, `${payload}.${signature.slice(1)}`, "not-a-token"]) {
      for (const answer of [await sidecar.viewBookingByLink(bad), await sidecar.cancelBookingByLink(bad)]) {
        expect(answer.ok).toBe(false);
        if (!answer.ok) expect(answer.error.code).toBe("forbidden:booking_link");
      }
    }
    // Past My bookings' limit for this student (10 changes an hour), the link cancels nothing either.
    for (let taken = 0; taken < LIMITS.bookingChangesPerOwner.limit; taken++) await rateLimiter(env, "bookingChangesPerOwner", holder.ownerId).take("bookingChangesPerOwner", Date.now());
    const limited = await sidecar.cancelBookingByLink(token);
    expect(limited.ok).toBe(false);
    if (!limited.ok) expect(limited.error.code).toBe("rate_limited:bookings");
    expect(await row(bookingId)).toEqual({ status: "confirmed", cancelled_by: null });
    // Past a day after the session's end (Tuesday 10:00–11:00), the real link is gone.
    vi.setSystemTime(zonedToEpoch("2032-03-10", "11:00", ZONE));
    for (const answer of [await sidecar.viewBookingByLink(token), await sidecar.cancelBookingByLink(token)]) {
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe("gone:booking_link");
    }
    expect(await row(bookingId)).toEqual({ status: "confirmed", cancelled_by: null });
  });

  it("is in the student's reminder too", async () => {
    const { holder, bookingId } = await heldAndAwaited("I need help with Python on Friday at 10");
    const booked = linkToken((await sentTo(bookingId, holder.email, "Booked:"))[0]!.body.text);
    vi.setSystemTime(zonedToEpoch("2032-03-05", "09:00", ZONE)); // an hour before: the 1-hour reminder is due
    const [reminder] = await sentTo(bookingId, holder.email, "Reminder:");
    expect(reminder!.body.text).toContain("This link lets anyone who has it manage this booking — don't forward it.");
    expect(linkToken(reminder!.body.text)).toBe(booked);
  });
});
