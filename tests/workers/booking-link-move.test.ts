import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { DEFAULT_TIME_ZONE, zonedToEpoch } from "../../lib/calendar";
import { mailOutbox, notificationsOf, rateLimiter } from "../../services/objects";
import { LIMITS } from "../../lib/rate-limits";
import { fromBase64Url, toBase64Url } from "../../lib/base64url";
import { createFakeMailApi, type FakeMailApi, type FakeMailRequest } from "../fakes/mail-api";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { sidecar } from "./staff-helpers";

/**
 * Move by the "Manage this booking" link: the page lists the tutor's other free times (the coming two
 * weeks, the center's rules), and the move is the one move (services/bookings.ts) with every effect,
 * the chat that made the booking told live. The token grants its own booking only; an expired or
 * edited one, a time the rules refuse, a taken one or a move too late is a 4xx and changes nothing;
 * a retried move is done once.
 */

const DAY = "2032-03-03"; // a Wednesday, 09:00 at the center
const ZONE = DEFAULT_TIME_ZONE;

type Student = { name: string; email: string; ownerId: string; sessionId: string };

function student(name: string): Student {
  return { name, email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`, ownerId: newOwnerId(), sessionId: newSessionId() };
}

async function say(one: Student, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(one.sessionId, one.ownerId, { content })).state;
}

async function toReview(one: Student, request: string): Promise<void> {
  await say(one, request);
  await say(one, QUICK.book);
  await say(one, "yes");
  await say(one, `${one.name} Lovelace, ${one.email}`);
  expect((await say(one, "Online. Recursion")).bookingInfo?.step).toBe("review");
}

/** `one` books `request`'s slot; returns the booking id and the manage link from its confirmation email. */
async function booked(one: Student, request: string): Promise<{ bookingId: string; token: string }> {
  await toReview(one, request);
  const state = await say(one, QUICK.confirm);
  expect(state.bookingInfo?.step).toBe("confirmed");
  const bookingId = state.bookingInfo!.bookingId!;
  return { bookingId, token: linkToken((await sentTo(bookingId, one.email, "Booked:"))[0]!.body.text) };
}

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

function linkToken(text: string): string {
  const url = /on any device: (https:\/\/\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`no manage link in: ${text}`);
  return decodeURIComponent(new URL(url).pathname.slice("/booking/".length));
}

async function row(bookingId: string) {
  return env.DB.prepare("SELECT tutor_id AS tutorId, date, start, \"end\" AS \"end\", status FROM bookings WHERE id = ?").bind(bookingId).first();
}

/** The token with its claims edited (its signature kept): what a holder of one link might try. */
function edited(token: string, change: object): string {
  const [payload, signature] = token.split(".") as [string, string];
  const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)!));
  return `${toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, ...change })))}.${signature}`;
}

function refusedWith(answer: { ok: boolean; error?: { code: string; message: string } }, code: string, message?: RegExp) {
  expect(answer.ok).toBe(false);
  if (!answer.ok) {
    expect(answer.error!.code).toBe(code);
    if (message) expect(answer.error!.message).toMatch(message);
  }
}

/** A body the type would not allow, sent on purpose: the sidecar checks it again (the binding is a trust boundary). */
const unchecked = (body: unknown) => body as { date: string; start: string };

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

describe("moving a booking by its link", () => {
  it("offers the tutor's free times and moves through the one move: chat, row, freed slot, waitlist, bell, mail and the old link agree", async () => {
    const [holder, waiter] = [student("Ada"), student("Cal")];
    await verifiedAddresses(holder.email, waiter.email);
    await toReview(waiter, "I need help with Python on Friday at 11");
    const { bookingId, token } = await booked(holder, "I need help with Python on Friday at 11");
    expect((await say(waiter, QUICK.confirm)).messages.at(-1)?.content).toMatch(/just taken/);
    expect((await say(waiter, QUICK.joinWaitlist)).messages.at(-1)?.content).toMatch(/number 1 in line\.$/);
    expect(await row(bookingId)).toMatchObject({ tutorId: "t-001", date: "2032-03-05", start: "11:00" });

    const offered = unwrapOk(await sidecar.bookingLinkMoveOptions(token));
    expect(offered.movable).toBe(true);
    expect(offered.options).toContainEqual({ date: "2032-03-08", start: "11:00", end: "12:00" });
    expect(offered.options.every((slot) => slot.date >= DAY && slot.date <= "2032-03-16")).toBe(true);
    expect(offered.options).not.toContainEqual({ date: "2032-03-05", start: "11:00", end: "12:00" });

    const to = { date: "2032-03-08", start: "11:00" };
    expect(unwrapOk(await sidecar.moveBookingByLink(token, to))).toEqual({
      bookingId, status: "confirmed", date: "2032-03-08", start: "11:00", end: "12:00", tutorName: "Maya Chen", emailed: true,
    });

    // The row moved (what the staff schedule and My bookings read); the old hour went to the waitlist.
    expect(await row(bookingId)).toEqual({ tutorId: "t-001", date: "2032-03-08", start: "11:00", end: "12:00", status: "confirmed" });
    await vi.waitFor(async () => {
      const offer = unwrapOk(await chatSession(waiter.sessionId).getState(waiter.ownerId));
      expect(offer.messages.at(-1)?.content).toMatch(/A place opened up/);
    });
    // The chat that made the booking says so, and its form shows the new time.
    const chat = unwrapOk(await chatSession(holder.sessionId).getState(holder.ownerId));
    expect(chat.messages.at(-1)?.content).toMatch(/^Your session is moved to .* with Maya Chen \(moved from .*\), from the link in your email\.$/);
    expect(chat.bookingInfo).toMatchObject({ step: "confirmed", bookingId, slot: { date: "2032-03-08", start: "11:00" }, movedFrom: { date: "2032-03-05", start: "11:00" } });
    const bell = () => notificationsOf(env, holder.ownerId).list(holder.ownerId).then((listed) => unwrapOk(listed).notifications.filter((note) => note.kind === "moved"));
    expect(await bell()).toHaveLength(1);
    await vi.waitFor(async () => {
      const facts = unwrapOk(await sidecar.memoryFacts(holder.ownerId)).facts;
      expect(facts.find((fact) => fact.kind === "tutor")?.detail).toMatchObject({ bookingId });
      expect(JSON.stringify(facts)).toContain("11:00");
    });

    // The update email carries a NEW link; it and the old one both show the booking at its new time.
    const [update] = await sentTo(bookingId, holder.email, "Moved:");
    const fresh = linkToken(update!.body.text);
    expect(fresh).not.toBe(token);
    for (const link of [token, fresh]) expect(unwrapOk(await sidecar.viewBookingByLink(link))).toMatchObject({ bookingId, date: "2032-03-08", start: "11:00", status: "confirmed" });

    // A retry of the same move is answered as done and does nothing twice.
    const chatLength = chat.messages.length;
    expect(unwrapOk(await sidecar.moveBookingByLink(token, to))).toMatchObject({ bookingId, date: "2032-03-08", start: "11:00" });
    expect(unwrapOk(await chatSession(holder.sessionId).getState(holder.ownerId)).messages).toHaveLength(chatLength);
    expect(await bell()).toHaveLength(1);
    const updates = (await mailOutbox(env, bookingId).messages()).filter((message) => message.kind === "update" && message.role === "student");
    expect(updates).toHaveLength(1);
  });

  it("grants only the booking it names: another booking's id under its signature is refused, and a taken time changes neither", async () => {
    const [ada, bo] = [student("Ada"), student("Bo")];
    await verifiedAddresses(ada.email, bo.email);
    const a = await booked(ada, "I need help with Python on Monday at 14");
    const b = await booked(bo, "I need help with Python on Monday at 15");
    const [aBefore, bBefore] = [await row(a.bookingId), await row(b.bookingId)];
    expect(aBefore).toMatchObject({ tutorId: "t-004", date: "2032-03-08", start: "14:00" });
    expect(bBefore).toMatchObject({ tutorId: "t-004", date: "2032-03-08", start: "15:00" });

    const forged = edited(a.token, { b: b.bookingId });
    refusedWith(await sidecar.viewBookingByLink(forged), "forbidden:booking_link");
    refusedWith(await sidecar.bookingLinkMoveOptions(forged), "forbidden:booking_link");
    refusedWith(await sidecar.moveBookingByLink(forged, { date: "2032-03-08", start: "16:00" }), "forbidden:booking_link");
    refusedWith(await sidecar.cancelBookingByLink(forged), "forbidden:booking_link");
    // A's link cannot name B in its body either.
    refusedWith(await sidecar.moveBookingByLink(a.token, unchecked({ date: "2032-03-08", start: "15:00", bookingId: b.bookingId })), "bad_request:body");
    // B's hour is taken: the honest reason, and nothing moved.
    refusedWith(await sidecar.moveBookingByLink(a.token, { date: "2032-03-08", start: "15:00" }), "conflict:booking", /just taken by someone else/);
    expect(await row(a.bookingId)).toEqual(aBefore);
    expect(await row(b.bookingId)).toEqual(bBefore);
    expect(unwrapOk(await sidecar.bookingLinkMoveOptions(a.token)).options).not.toContainEqual({ date: "2032-03-08", start: "15:00", end: "16:00" });
  });

  it("refuses a time the rules refuse, a bad body, a tampered or expired link, and past the limits, changing nothing", async () => {
    const kim = student("Kim");
    await verifiedAddresses(kim.email);
    const { bookingId, token } = await booked(kim, "I need help with Python on Sunday at 15");
    const before = await row(bookingId);
    expect(before).toMatchObject({ tutorId: "t-004", date: "2032-03-07", start: "15:00" });

    refusedWith(await sidecar.moveBookingByLink(token, { date: "2032-03-07", start: "20:00" }), "conflict:booking", /Nothing changed/);
    refusedWith(await sidecar.moveBookingByLink(token, { date: "2032-03-02", start: "14:00" }), "conflict:booking", /Nothing changed/);
    for (const bad of [{ date: "Sunday", start: "16:00" }, { date: "2032-03-07" }, "16:00", null]) {
      refusedWith(await sidecar.moveBookingByLink(token, unchecked(bad)), "bad_request:body");
    }
    const [payload, signature] = token.split(".") as [string, string];
    refusedWith(await sidecar.moveBookingByLink(`${payload}.${signature.slice(1)}`, { date: "2032-03-07", start: "16:00" }), "forbidden:booking_link");
    refusedWith(await sidecar.moveBookingByLink(edited(token, { e: Date.now() + 365 * 86_400_000 }), { date: "2032-03-07", start: "16:00" }), "forbidden:booking_link");

    // Past the cancel's limit for this student (10 changes an hour), the link moves nothing either.
    for (let taken = 0; taken < LIMITS.bookingChangesPerOwner.limit; taken++) await rateLimiter(env, "bookingChangesPerOwner", kim.ownerId).take("bookingChangesPerOwner", Date.now());
    refusedWith(await sidecar.moveBookingByLink(token, { date: "2032-03-07", start: "16:00" }), "rate_limited:bookings");
    expect(await row(bookingId)).toEqual(before);

    // A day after the session's end (Sunday 16:00), the link is gone.
    vi.setSystemTime(zonedToEpoch("2032-03-08", "16:30", ZONE));
    refusedWith(await sidecar.bookingLinkMoveOptions(token), "gone:booking_link");
    refusedWith(await sidecar.moveBookingByLink(token, { date: "2032-03-14", start: "15:00" }), "gone:booking_link");
    expect(await row(bookingId)).toEqual(before);
  });

  it("says a session inside the center's cutoff cannot be moved, and refuses the move with that reason", async () => {
    const lee = student("Lee");
    await verifiedAddresses(lee.email);
    const { bookingId, token } = await booked(lee, "I need help with Python on Wednesday at 15");
    const before = await row(bookingId);
    expect(before).toMatchObject({ tutorId: "t-001", date: DAY, start: "15:00" });
    const offered = unwrapOk(await sidecar.bookingLinkMoveOptions(token));
    expect(offered).toMatchObject({ movable: false, options: [] });
    expect(offered.reason).toMatch(/can't be moved: the center allows changes up to 24 hours before the start/);
    refusedWith(await sidecar.moveBookingByLink(token, { date: "2032-03-10", start: "15:00" }), "conflict:booking", /can't be moved/);
    expect(await row(bookingId)).toEqual(before);
    expect(unwrapOk(await chatSession(lee.sessionId).getState(lee.ownerId)).bookingInfo?.slot.start).toBe("15:00");
  });
});
