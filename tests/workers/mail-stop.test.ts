import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { MailOutbox, OutboxMessage } from "../../durable-objects/mail-outbox";
import { MAIL_DAILY_CAP } from "../../lib/mail/recipients";
import { queueBookingMail } from "../../services/mail";
import { createFakeMailApi, type FakeMailApi, type FakeMailRequest } from "../fakes/mail-api";
import { newOwnerId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { atReview, lastReplies, say, sidecar } from "./memory-helpers";

/**
 * Mail to a person who never asked for it is stoppable and bounded: every email carries a signed
 * one-click stop link (RFC 8058), a stopped address gets nothing more, and an address its owner has
 * not confirmed gets one "confirm this is you" email and no invite or reminder until it is confirmed
 * (at most MAIL_DAILY_CAP sign-in emails a day). Nothing says an email went when it did not.
 */

let fake: FakeMailApi;

beforeAll(async () => {
  await seedCatalog();
});

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const outbox = (bookingId: string) => env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));

/** The outbox's messages (reminders aside) once none is pending any more. */
async function settled(bookingId: string, count = 1): Promise<OutboxMessage[]> {
  return vi.waitFor(
    async () => {
      const messages = (await outbox(bookingId).messages()).filter((message) => message.kind !== "reminder");
      if (messages.length < count || messages.some((message) => message.status === "pending")) throw new Error("not settled yet");
      return messages;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** The stop link's token, read from the email as a mail client would: the List-Unsubscribe header. */
function stopToken(request: FakeMailRequest): string {
  const url = /^<(.+)>$/.exec(request.body.headers?.["List-Unsubscribe"] ?? "")?.[1];
  if (!url) throw new Error(`no List-Unsubscribe header: ${JSON.stringify(request.body.headers)}`);
  return new URL(url).searchParams.get("token")!;
}

let slot = 0;
/** A confirmed booking in D1 (its own slot) for `email`, confirmed by its owner, with its confirmation queued: what the outbox answered. */
async function bookedFor(email: string) {
  await verifiedAddresses(email);
  const bookingId = `bk-${crypto.randomUUID()}`;
  const start = `${String(8 + Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
  slot++;
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, status, created_at, updated_at)
     VALUES (?1, 'session-1', ?2, 't-001', '2027-02-01', ?3, '23:59', 'Ada', ?4, 'online', 'confirmed', 1, 1)`,
  )
    .bind(bookingId, newOwnerId(), start, email)
    .run();
  return { bookingId, queued: await queueBookingMail(env, bookingId, "confirmed") };
}

describe("every email carries a one-click stop link", () => {
  it("has RFC 8058's headers and the link in its text, signed for its own address", async () => {
    const { bookingId } = await bookedFor("ada.link@example.com");
    await settled(bookingId);
    const [request] = fake.requests;
    const url = `https://tutoring.example/api/mail/stop?token=${encodeURIComponent(stopToken(request!))}`;
    expect(request!.body.headers).toEqual({ "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    expect(request!.body.text).toContain(`Stop all emails to ada.link@example.com: ${url}`);
    expect(unwrapOk(await sidecar.mailStopInfo(stopToken(request!)))).toEqual({ address: "ada.link@example.com", stopped: false });
  });

  it("refuses a token that is not one it signed, or names another address, and stops nothing", async () => {
    const { bookingId } = await bookedFor("ada.forged@example.com");
    await settled(bookingId);
    const [payload, signature] = stopToken(fake.requests[0]!).split(".");
    const otherPayload = btoa(JSON.stringify({ v: 1, a: "someone@example.com" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    for (const token of [`${otherPayload}.${signature}`, `${payload}.${signature!.slice(0, -2)}AA`, payload!, "", "x".repeat(2_000), "a.b.c"]) {
      expect(await sidecar.stopMail(token), token.slice(0, 40)).toMatchObject({ ok: false, error: { code: "bad_request:query" } });
    }
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM mail_recipients WHERE suppressed_at IS NOT NULL").first("n");
    expect(row).toBe(0);
  });
});

describe("a stopped address gets nothing more", () => {
  it("after one click the next booking email is withheld, and the chat says so instead of 'on its way'", async () => {
    const email = "stranger@elsewhere.example";
    const { sessionId, ownerId } = await atReview(email);
    const booked = await say(sessionId, ownerId, "Confirm booking");
    // Not confirmed: the one email that goes is the one asking whether this is them, and it carries the stop link too.
    expect(lastReplies(booked)).toContain(`we've emailed ${email} a link`);
    const bookingId = booked.bookingInfo!.bookingId!;
    await settled(bookingId);
    expect(fake.requests.map((request) => [request.body.to, request.body.subject])).toEqual([[[email], "Confirm your email for your tutoring booking"]]);

    // The stranger presses "stop" (the page's button, or their mail client's one-click POST).
    expect(unwrapOk(await sidecar.stopMail(stopToken(fake.requests[0]!)))).toEqual({ address: email, stopped: true });
    expect(unwrapOk(await sidecar.mailStopInfo(stopToken(fake.requests[0]!)))).toEqual({ address: email, stopped: true });

    // The cancel: recorded as suppressed, not sent, not retried; the chat says why.
    await say(sessionId, ownerId, "cancel my booking");
    const cancelled = await say(sessionId, ownerId, "yes");
    const words = lastReplies(cancelled);
    expect(words).toContain(`No email will be sent to ${email} because that address asked us to stop emailing it.`);
    expect(words).not.toContain("on its way");
    const messages = await settled(bookingId, 2);
    expect(messages.map((message) => [message.kind, message.status, message.nextAttemptAt])).toEqual([
      ["confirmation", "superseded", null],
      ["cancellation", "suppressed", null],
    ]);
    await runDurableObjectAlarm(outbox(bookingId));
    expect(fake.requests).toHaveLength(1);

    // A new booking to the same address: booked, and no email, said as such.
    const again = await atReview(email);
    const rebooked = await say(again.sessionId, again.ownerId, "Confirm booking");
    expect(rebooked.bookingInfo?.step).toBe("confirmed");
    expect(lastReplies(rebooked)).toContain(`No email will be sent to ${email} because that address asked us to stop emailing it.`);
    expect(lastReplies(rebooked)).not.toContain("on its way");
    // No reminders are even queued for it.
    expect((await outbox(rebooked.bookingInfo!.bookingId!).messages()).map((message) => [message.kind, message.status])).toEqual([["confirmation", "suppressed"]]);
    expect(fake.requests).toHaveLength(1);
  });

  it("My bookings' cancel answers why no email went instead of an address it went to", async () => {
    const email = "stopped.list@example.com";
    const { bookingId, queued } = await bookedFor(email);
    expect(queued?.recipients).toEqual([{ role: "student", to: email }]);
    await settled(bookingId);
    unwrapOk(await sidecar.stopMail(stopToken(fake.requests[0]!)));
    const ownerId = (await env.DB.prepare("SELECT owner_id FROM bookings WHERE id = ?1").bind(bookingId).first<string>("owner_id"))!;
    const answer = unwrapOk(await sidecar.cancelBooking(ownerId, bookingId));
    expect(answer.emailedTo).toBeUndefined();
    expect(answer.emailWithheld).toEqual({ to: email, reason: "suppressed" });
  });

  it("a reminder queued before the stop is not sent when its time comes", async () => {
    const email = "reminded@example.com";
    const { bookingId } = await bookedFor(email);
    await settled(bookingId);
    unwrapOk(await sidecar.stopMail(stopToken(fake.requests[0]!)));
    // The first reminder falls due: the clock is moved to its time (outside quiet hours by construction,
    // so the test means the same at whatever hour it runs).
    const due = await runInDurableObject(outbox(bookingId), async (_instance: MailOutbox, state) =>
      state.storage.sql.exec<{ at: number }>("SELECT next_attempt_at AS at FROM mail WHERE kind = 'reminder' AND key LIKE '%reminder-24h%'").one().at,
    );
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(due);
    await runDurableObjectAlarm(outbox(bookingId));
    vi.useRealTimers();
    const reminder = (await outbox(bookingId).messages()).find((message) => message.key.includes("reminder-24h"));
    expect(reminder).toMatchObject({ status: "suppressed", nextAttemptAt: null, attempts: 0 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("an address its owner has not confirmed gets one confirmation email and no invite until it is confirmed", () => {
  const confirmations = (email: string) => fake.requests.filter((request) => request.body.to[0] === email && request.body.subject.startsWith("Confirm your email"));
  const booked = (email: string) => fake.requests.filter((request) => request.body.to[0] === email && request.body.subject.startsWith("Booked:"));

  it("holds the invite, sends one confirmation email, says so; once the link is opened the held invite goes", async () => {
    const email = "unconfirmed@example.com";
    const { sessionId, ownerId } = await atReview(email);
    const first = await say(sessionId, ownerId, "Confirm booking");
    expect(first.bookingInfo?.step).toBe("confirmed");
    expect(lastReplies(first)).toContain(`we've emailed ${email} a link to confirm it's yours`);
    expect(lastReplies(first)).not.toContain("on its way");
    const bookingId = first.bookingInfo!.bookingId!;
    const held = (await outbox(bookingId).messages()).find((message) => message.kind === "confirmation");
    expect(held).toMatchObject({ status: "unconfirmed", nextAttemptAt: null, attempts: 0 });
    await runDurableObjectAlarm(outbox(bookingId));
    expect(booked(email)).toHaveLength(0);
    expect(confirmations(email)).toHaveLength(1);
    expect(confirmations(email)[0]!.body.text).toMatch(/works once, within 24 hours/);

    // A second booking the same day: its invite is held too, and no second confirmation email.
    const again = await atReview(email);
    expect(lastReplies(await say(again.sessionId, again.ownerId, "Confirm booking"))).toContain(`we've emailed ${email} a link`);
    expect(confirmations(email)).toHaveLength(1);

    // The link is opened (on any device): the address is confirmed, the held invites go.
    const url = /(https?:\/\/\S+\/account\/link\?token=\S+)/.exec(confirmations(email)[0]!.body.text)?.[1];
    const token = new URL(url!).searchParams.get("token")!;
    unwrapOk(await sidecar.redeemSignInLink(token, newOwnerId(), "Firefox on Linux"));
    await settled(bookingId);
    expect(booked(email).length).toBeGreaterThanOrEqual(1);
    expect((await outbox(bookingId).messages()).find((message) => message.kind === "confirmation")?.status).toBe("sent");
  });

  it("a reminder whose address is still unconfirmed when it falls due is held, not sent", async () => {
    const email = "reminded.unconfirmed@example.com";
    const bookingId = `bk-${crypto.randomUUID()}`;
    await env.DB.prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, status, created_at, updated_at)
       VALUES (?1, 'session-1', ?2, 't-001', '2027-02-02', '09:00', '10:00', 'Ada', ?3, 'online', 'confirmed', 1, 1)`,
    )
      .bind(bookingId, newOwnerId(), email)
      .run();
    expect((await queueBookingMail(env, bookingId, "confirmed"))?.withheld).toEqual([{ role: "student", to: email, reason: "unconfirmed" }]);
    const due = await runInDurableObject(outbox(bookingId), async (_instance: MailOutbox, state) =>
      state.storage.sql.exec<{ at: number }>("SELECT next_attempt_at AS at FROM mail WHERE kind = 'reminder' AND key LIKE '%reminder-24h%'").one().at,
    );
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(due);
    await runDurableObjectAlarm(outbox(bookingId));
    vi.useRealTimers();
    expect((await outbox(bookingId).messages()).find((message) => message.key.includes("reminder-24h"))).toMatchObject({ status: "unconfirmed", attempts: 0 });
    expect(fake.requests.filter((request) => request.body.to[0] === email)).toHaveLength(0);
  });

  it("an address that had today's most emails gets no confirmation email either, and the chat says that instead", async () => {
    const email = "busy@example.com";
    await env.DB.prepare("INSERT INTO mail_recipients (address, day, sent_today) VALUES (?1, ?2, ?3)")
      .bind(email, new Date().toISOString().slice(0, 10), MAIL_DAILY_CAP)
      .run();
    const { sessionId, ownerId } = await atReview(email);
    const booked = await say(sessionId, ownerId, "Confirm booking");
    expect(booked.bookingInfo?.step).toBe("confirmed");
    expect(lastReplies(booked)).toContain(`No email will be sent to ${email} because it already had ${MAIL_DAILY_CAP} emails from us today`);
    expect(lastReplies(booked)).not.toContain("on its way");
    expect(fake.requests.filter((request) => request.body.to[0] === email)).toHaveLength(0);
  });

  it("an address its owner confirmed gets every booking email, uncapped", async () => {
    const email = "confirmed@example.com";
    for (let n = 1; n <= MAIL_DAILY_CAP + 1; n++) {
      const { bookingId, queued } = await bookedFor(email);
      expect(queued?.withheld, `email ${n}`).toEqual([]);
      await settled(bookingId);
    }
  });
});
