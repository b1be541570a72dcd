import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboxMessage } from "../../durable-objects/mail-outbox";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import type { SessionPatch } from "../../lib/schemas";
import { performEffect } from "../../services/effects";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { atReview, lastReplies, say, sidecar } from "./memory-helpers";

/**
 * What a client can put into a booking's emails: nothing but a name and an address the chat's
 * contact step would take, checked when a form is saved (PATCH) and again when the booking is made;
 * the subject is the catalog's. (Mail to an address that never asked for it: mail-stop.test.ts.)
 */

let fake: FakeMailApi;

beforeAll(async () => {
  await seedCatalog();
  // Confirmed by their owners, so the booking emails these tests read go (the gate has its own tests).
  await verifiedAddresses("ada.case@example.com", "ada.draft@example.com", "ada.effect@example.com", "ada.fields@example.com", "ada.patch@example.com", "ada.wait@example.com", "ada.words@example.com", "ada.subject@example.com");
});

// The outbox calls the global fetch; the sidecar shares this isolate, so the fake mail API answers every send.
beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const outbox = (bookingId: string) => env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));

/** The outbox's messages once its alarm has sent every one that is not a reminder. */
async function sent(bookingId: string): Promise<OutboxMessage[]> {
  return vi.waitFor(
    async () => {
      const messages = (await outbox(bookingId).messages()).filter((message) => message.kind !== "reminder");
      if (messages.length === 0 || messages.some((message) => message.status === "pending")) throw new Error("not sent yet");
      return messages;
    },
    { timeout: 10_000, interval: 20 },
  );
}

const BAD_NAME = "Ada\nAccount locked: https://evil.example/login";
const BAD_SKILL = "ACTION REQUIRED https://evil.example";

describe("a saved booking form holds only what the contact step takes", () => {
  it("refuses the reported PATCH (a name with a line and a link, a stranger's address, a subject with a link) and changes nothing", async () => {
    const { sessionId, ownerId, state } = await atReview("ada.patch@example.com");
    const before = unwrapOk(await sidecar.getState(sessionId, ownerId));
    const refused = await sidecar.patchState(sessionId, ownerId, {
      bookingInfo: { ...state.bookingInfo!, studentName: BAD_NAME, studentEmail: "victim@elsewhere.example" },
      searchCriteria: { ...state.searchCriteria!, skill: BAD_SKILL },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId))).toEqual(before);

    // "Confirm booking" books what the chat took: the student's own name and address, the catalog's subject.
    const booked = await say(sessionId, ownerId, "Confirm booking");
    expect(booked.bookingInfo).toMatchObject({ step: "confirmed", studentName: "Ada Lovelace", studentEmail: "ada.patch@example.com" });
    await sent(booked.bookingInfo!.bookingId!);
    expect(fake.requests.map((request) => request.body.to)).toEqual([["ada.patch@example.com"]]);
    expect(fake.requests[0]!.body.subject).toMatch(/^Booked: Python tutoring with /);
    expect(fake.requests[0]!.body.text).toMatch(/^Hello Ada Lovelace,\n/);
  });

  const refusedPatches: Array<[string, (state: Awaited<ReturnType<typeof atReview>>["state"]) => SessionPatch, string]> = [
    ["a name with a line break and a link", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentName: BAD_NAME } }), "bookingInfo.studentName"],
    ["a name that is a web address", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentName: "evil.example" } }), "bookingInfo.studentName"],
    ["a name with an invisible bidi override", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentName: "Ada \u202eLovelace" } }), "bookingInfo.studentName"],
    ["an address with a header after a line break", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentEmail: "ada@example.com\r\nBcc: all@example.com" } }), "bookingInfo.studentEmail"],
    ["an address that is not one", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentEmail: "ada@example" } }), "bookingInfo.studentEmail"],
    ["an address with spaces around it", (state) => ({ bookingInfo: { ...state.bookingInfo!, studentEmail: " ada@example.com" } }), "bookingInfo.studentEmail"],
    ["a subject no tutor teaches", (state) => ({ searchCriteria: { ...state.searchCriteria!, skill: BAD_SKILL } }), "searchCriteria.skill"],
    [
      "a waitlist slot carrying a name with a link",
      (state) => ({
        searchCriteria: {
          ...state.searchCriteria!,
          waitFor: { tutorId: state.bookingInfo!.tutorId, tutorName: "Maya Chen", slot: state.bookingInfo!.slot, studentName: BAD_NAME, studentEmail: "ada@example.com" },
        },
      }),
      "searchCriteria.waitFor.studentName",
    ],
  ];

  it.each(refusedPatches)("refuses %s with a 400 naming the field, and changes nothing", async (_what, patchOf, path) => {
    const { sessionId, ownerId, state } = await atReview("ada.fields@example.com");
    const before = unwrapOk(await sidecar.getState(sessionId, ownerId));
    const refused = await sidecar.patchState(sessionId, ownerId, patchOf(state));
    expect(refused).toMatchObject({ ok: false, error: { code: "bad_request:body", issues: [expect.objectContaining({ path })] } });
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId))).toEqual(before);
  });

  it("a forged waitlist slot with good details is refused too: the slot to wait for is the assistant's record", async () => {
    const { sessionId, ownerId, state } = await atReview("ada.wait@example.com");
    const before = unwrapOk(await sidecar.getState(sessionId, ownerId));
    const waitFor = { tutorId: state.bookingInfo!.tutorId, tutorName: state.bookingInfo!.tutorName, slot: state.bookingInfo!.slot };
    expect(await sidecar.patchState(sessionId, ownerId, { searchCriteria: { ...state.searchCriteria!, waitFor } })).toMatchObject({
      ok: false,
      error: { code: "conflict:booking" },
    });
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId))).toEqual(before);
  });

  it("still saves a draft the contact step would take, and a subject from the catalog", async () => {
    const { sessionId, ownerId, state } = await atReview("ada.draft@example.com");
    const saved = unwrapOk(await sidecar.patchState(sessionId, ownerId, { bookingInfo: { ...state.bookingInfo!, studentName: "Grace Hopper", studentEmail: "grace@example.com" } }));
    expect(saved.bookingInfo).toMatchObject({ studentName: "Grace Hopper", studentEmail: "grace@example.com" });
    const searched = unwrapOk(await sidecar.patchState(sessionId, ownerId, { searchCriteria: { ...state.searchCriteria!, skill: "python" } }));
    expect(searched.searchCriteria?.skill).toBe("python");
  });
});

/** A booking made by the effect itself, from the chat's review step, with these details (whatever a form held). */
async function bookDirectly(booking: { studentName: string; studentEmail: string; subject: string }) {
  const { sessionId, ownerId, booking: form } = await atReview("ada.effect@example.com");
  const effect = {
    type: "create_booking" as const,
    booking: { tutorId: form.tutorId, date: form.slot.date, start: form.slot.start, end: form.slot.end, mode: "online" as const, intake: "Recursion", ...booking },
  };
  const context = {
    env, sessionId, ownerId,
    messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: DEFAULT_CENTER_POLICY,
  };
  return { outcome: await performEffect(effect, context), sessionId };
}

describe("the booking effect checks the name and email again", () => {
  it("refuses a booking made from a state whose name carries a line and a link: nothing booked, nothing sent", async () => {
    const { outcome, sessionId } = await bookDirectly({ studentName: BAD_NAME, studentEmail: "victim@elsewhere.example", subject: "Python" });
    expect(outcome).toEqual({ ok: false, reason: "contact", field: "name" });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE session_id = ?1").bind(sessionId).first("n")).toBe(0);
    expect(fake.requests).toEqual([]);
  });

  it("refuses an address the contact step would not take", async () => {
    const { outcome } = await bookDirectly({ studentName: "Ada Lovelace", studentEmail: "victim@elsewhere.example\nBcc: all@example.com", subject: "Python" });
    expect(outcome).toEqual({ ok: false, reason: "contact", field: "email" });
  });

  it("the chat says why and asks for the name and email again", async () => {
    const { sessionId, ownerId } = await atReview("ada.words@example.com");
    // A form saved before the rule existed, as the object holds it: its name carries a line and a link.
    const stub = env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId));
    await runInDurableObject(stub, (instance) => {
      const object = instance as unknown as { fields: { bookingInfo: Record<string, unknown> } };
      object.fields = { ...object.fields, bookingInfo: { ...object.fields.bookingInfo, studentName: BAD_NAME } };
    });
    const state = await say(sessionId, ownerId, "Confirm booking");
    expect(lastReplies(state)).toContain("Nothing was booked: I can't book with that name");
    expect(state.bookingInfo).toMatchObject({ step: "contact" });
    expect(state.bookingInfo?.studentName).toBeUndefined();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE session_id = ?1").bind(sessionId).first("n")).toBe(0);
  });
});

describe("the subject in an email and its invite is the catalog's", () => {
  it("a subject the tutor does not teach never reaches the email: it says Tutoring", async () => {
    const { outcome } = await bookDirectly({ studentName: "Ada Lovelace", studentEmail: "ada.subject@example.com", subject: BAD_SKILL });
    expect(outcome).toMatchObject({ ok: true });
    const bookingId = (outcome as { bookingId: string }).bookingId;
    await sent(bookingId);
    const [request] = fake.requests;
    expect(request!.body.subject).toMatch(/^Booked: Tutoring with /);
    expect(`${request!.body.subject}\n${request!.body.text}\n${inviteOf(request!)}`).not.toContain("evil.example");
    expect(inviteOf(request!)).toMatch(/SUMMARY:Tutoring: Ada Lovelace with /);
    expect(await env.DB.prepare("SELECT subject FROM bookings WHERE id = ?1").bind(bookingId).first("subject")).toBe("");
  });

  it("a subject typed in another case is stored and mailed as the catalog spells it", async () => {
    const { sessionId, ownerId, state } = await atReview("ada.case@example.com");
    unwrapOk(await sidecar.patchState(sessionId, ownerId, { searchCriteria: { ...state.searchCriteria!, skill: "PYTHON" } }));
    const booked = await say(sessionId, ownerId, "Confirm booking");
    const bookingId = booked.bookingInfo!.bookingId!;
    await sent(bookingId);
    expect(fake.requests[0]!.body.subject).toMatch(/^Booked: Python tutoring with /);
    expect(inviteOf(fake.requests[0]!)).toMatch(/SUMMARY:Python tutoring: Ada Lovelace with /);
    expect(await env.DB.prepare("SELECT subject FROM bookings WHERE id = ?1").bind(bookingId).first("subject")).toBe("Python");
  });
});
