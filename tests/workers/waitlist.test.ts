import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Waitlist } from "../../durable-objects/waitlist";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import type { BookingInfo } from "../../lib/tutoring/schemas";
import { waitlistName } from "../../lib/tutoring/waitlist";
import { chatSession, newOwnerId, newSessionId, seedCatalog, STRANGER, TEST_NOW, unwrapOk } from "./helpers";
import { FakeAuthenticator } from "../fakes/authenticator";
import { enrolled, sidecar } from "./staff-helpers";
import { notificationsOf } from "../../services/objects";

type Student = { sessionId: string; ownerId: string; say: (content: string) => Promise<ChatState> };

function student(): Student {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  return { sessionId, ownerId, say: async (content) => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state };
}

/** Walks a student to the booking form's review for the first tutor the request finds. */
async function toReview(request: string, name: string): Promise<Student & { form: BookingInfo }> {
  const one = student();
  await one.say(request);
  await one.say(QUICK.book);
  await one.say("yes");
  await one.say(`${name}, ${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`);
  const state = await one.say("Online. Recursion and list comprehensions");
  expect(state.bookingInfo?.step).toBe("review");
  return { ...one, form: state.bookingInfo! };
}

/**
 * The holder books a slot that every other student had reached the review of:
 * each of them is told it was just taken and offered its waitlist.
 */
async function contested(request: string, names: string[]) {
  const [holder, ...others] = await Promise.all(names.map((name) => toReview(request, name)));
  for (const other of others) expect(other.form).toMatchObject({ tutorId: holder!.form.tutorId, slot: holder!.form.slot });
  const booked = await holder!.say(QUICK.confirm);
  expect(booked.bookingInfo?.step).toBe("confirmed");
  for (const other of others) {
    const taken = await other.say(QUICK.confirm);
    expect(taken.messages.at(-1)?.content).toMatch(/just taken/);
    expect(taken.messages.at(-1)?.quickReplies).toContain(QUICK.joinWaitlist);
  }
  const { tutorId, slot } = holder!.form;
  const line = env.WAITLIST.get(env.WAITLIST.idFromName(waitlistName({ tutorId, date: slot.date, start: slot.start })));
  return { holder: { ...holder!, bookingId: booked.bookingInfo!.bookingId! }, others, line, slot: { tutorId, date: slot.date, start: slot.start } };
}

async function confirmedOwners(slot: { tutorId: string; date: string; start: string }) {
  const { results } = await env.DB.prepare("SELECT owner_id FROM bookings WHERE tutor_id = ? AND date = ? AND start = ? AND status = 'confirmed'")
    .bind(slot.tutorId, slot.date, slot.start)
    .all<{ owner_id: string }>();
  return results.map((row) => row.owner_id);
}

async function chatOf(one: Student) {
  return unwrapOk(await chatSession(one.sessionId).getState(one.ownerId));
}

/** The chat shows the offer: its notice (with "Book it") and the booking form opened on the slot. */
async function offered(one: Student) {
  await vi.waitFor(async () => {
    const state = await chatOf(one);
    expect(state.messages.at(-1)?.content).toMatch(/A place opened up/);
    expect(state.messages.at(-1)?.quickReplies).toEqual([QUICK.bookIt, QUICK.leaveWaitlist]);
    expect(state.bookingInfo).toMatchObject({ step: "review", fromWaitlist: true });
  });
}

/** What the student's bell lists, newest first. */
async function bell(one: Student) {
  return unwrapOk(await notificationsOf(env, one.ownerId).list(one.ownerId)).notifications;
}

async function alarmSet(line: DurableObjectStub<Waitlist>) {
  return runInDurableObject(line, (_instance: Waitlist, state) => state.storage.getAlarm());
}

describe("the waitlist", () => {
  beforeAll(seedCatalog);

  it("puts a student on a taken slot's waitlist at the next place in line, once, with one Durable Object call and one row written per join", async () => {
    const { others, line } = await contested("I need help with Python on Monday at 10", ["Ada", "Grace", "Alan"]);
    const [grace, alan] = [others[0]!, others[1]!];

    const first = await grace.say(QUICK.joinWaitlist);
    expect(first.messages.at(-1)?.content).toMatch(/^You're on the waitlist for .+: number 1 in line\.$/);
    expect(first.messages.at(-1)?.quickReplies).toContain(QUICK.leaveWaitlist);
    const afterFirst = await line.rowCounts();

    const second = await alan.say(QUICK.joinWaitlist);
    expect(second.messages.at(-1)?.content).toMatch(/number 2 in line\.$/);
    const afterSecond = await line.rowCounts();
    // A join on a line that exists writes its entry row, nothing else (the slot row's upsert finds it).
    expect(afterSecond.writes - afterFirst.writes).toBe(1);
    // The first join of a slot also made its line: the schema (three tables, the entry's language column and
    // the version row, 8 rows as SQLite counts DDL) and the slot row, besides its entry.
    expect(afterFirst.writes).toBe(10);

    // Joining again answers the same place and writes nothing.
    const again = await alan.say(QUICK.joinWaitlist);
    expect(again.messages.at(-1)?.content).toMatch(/number 2 in line\.$/);
    expect((await line.rowCounts()).writes).toBe(afterSecond.writes);
    expect((await line.entries()).map((entry) => [entry.ownerId, entry.state, entry.position])).toEqual([
      [grace.ownerId, "waiting", 1],
      [alan.ownerId, "waiting", 2],
    ]);
  });

  it("offers the waitlist when a search finds the hour asked for booked, and an offer of it goes through the normal form", async () => {
    const { holder, slot } = await contested("I need help with Japanese on Tuesday at 6pm", ["Ada"]);
    const grace = student();
    const found = await grace.say("I need help with Japanese on Tuesday at 6pm");
    const answer = found.messages.at(-1)!;
    expect(answer.content).toMatch(/is booked .+; you can join the waitlist for it\./);
    expect(answer.quickReplies).toContain(QUICK.joinWaitlist);
    expect((await grace.say(QUICK.joinWaitlist)).messages.at(-1)?.content).toMatch(/number 1 in line\.$/);

    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    // Nothing of the form is known: the offer opens it at the slot's confirmation, and the form asks the rest.
    await vi.waitFor(async () => expect((await chatOf(grace)).bookingInfo).toMatchObject({ step: "confirm_slot", fromWaitlist: true, tutorId: slot.tutorId }));
    await grace.say(QUICK.bookIt);
    await grace.say(`Grace, grace-${crypto.randomUUID().slice(0, 8)}@example.com`);
    await grace.say("Verb conjugation");
    const booked = await grace.say(QUICK.confirm);
    expect(booked.bookingInfo?.step).toBe("confirmed");
    expect(await confirmedOwners(slot)).toEqual([grace.ownerId]);
  });

  it("offers a slot cancelled on My bookings to the first in line, live in their chat, and passes it to the next when the offer runs out", async () => {
    const { holder, others, line, slot } = await contested("I need help with Python on Tuesday at 10", ["Ada", "Grace", "Alan"]);
    const [grace, alan] = [others[0]!, others[1]!];
    await grace.say(QUICK.joinWaitlist);
    await alan.say(QUICK.joinWaitlist);
    const beforeCancel = await line.rowCounts();

    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    await offered(grace);
    expect(await alarmSet(line)).not.toBeNull();
    // The offer: one entry row written (and one D1 read that the slot is free, one call to the chat).
    expect((await line.rowCounts()).writes - beforeCancel.writes).toBe(1);
    expect((await chatOf(alan)).messages.at(-1)?.content).toMatch(/number 2 in line/);

    // The offer runs out on the test clock: Grace is told and her form closes; Alan is offered the slot.
    const beforeExpiry = await line.rowCounts();
    expect(await runDurableObjectAlarm(line)).toBe(true);
    // Two entry rows: Grace's expired, Alan's offered.
    expect((await line.rowCounts()).writes - beforeExpiry.writes).toBe(2);
    const graceAfter = await chatOf(grace);
    expect(graceAfter.messages.at(-1)?.content).toMatch(/has run out/);
    expect(graceAfter.bookingInfo).toBeNull();
    await offered(alan);
    expect((await line.entries()).map((entry) => [entry.ownerId, entry.state])).toEqual([
      [grace.ownerId, "expired"],
      [alan.ownerId, "offered"],
    ]);
    expect(await confirmedOwners(slot)).toEqual([]);
  });

  it("books an offered slot exactly once when the student says Book it twice, and the line is done with them", async () => {
    const { holder, others, line, slot } = await contested("I need help with Python on Wednesday at 10", ["Ada", "Grace"]);
    const [grace] = [others[0]!];
    await grace.say(QUICK.joinWaitlist);
    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    await offered(grace);

    const beforeBooking = await line.rowCounts();
    const [first, second] = [await grace.say(QUICK.bookIt), await grace.say(QUICK.bookIt)];
    // The line's side of the booking: one entry row (booked), once.
    expect((await line.rowCounts()).writes - beforeBooking.writes).toBe(1);
    expect(first.bookingInfo?.step).toBe("confirmed");
    expect(first.messages.some((message) => /You're booked with/.test(message.content))).toBe(true);
    expect(second.bookingInfo?.bookingId).toBe(first.bookingInfo?.bookingId);
    expect(await confirmedOwners(slot)).toEqual([grace.ownerId]);
    expect((await line.entries()).map((entry) => entry.state)).toEqual(["booked"]);
    expect(await alarmSet(line)).toBeNull();
  });

  it("never lets another owner book or close someone else's offer", async () => {
    const { holder, others, line, slot } = await contested("I need help with Python on Thursday at 10", ["Ada", "Grace"]);
    const [grace] = [others[0]!];
    await grace.say(QUICK.joinWaitlist);
    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    await offered(grace);

    // Grace's chat is hers alone, and the line refuses to mark her offer done for anyone else.
    const intruder = await sidecar.sendMessage(grace.sessionId, STRANGER, { content: QUICK.bookIt });
    expect(intruder.ok).toBe(false);
    const closed = await line.booked(STRANGER, "bk-0000");
    expect(closed.ok).toBe(false);
    expect((await line.entries()).map((entry) => [entry.ownerId, entry.state])).toEqual([[grace.ownerId, "offered"]]);
    expect(await alarmSet(line)).not.toBeNull();
    expect(await confirmedOwners(slot)).toEqual([]);
  });

  it("offers the slot when its booking is cancelled in the chat or by the center's staff, too", async () => {
    const inChat = await contested("I need help with Python on Monday at 14", ["Ada", "Grace"]);
    await inChat.others[0]!.say(QUICK.joinWaitlist);
    expect((await inChat.holder.say(QUICK.cancelBooking)).bookingInfo?.step).toBe("confirmed");
    expect((await inChat.holder.say(QUICK.yes)).bookingInfo?.step).toBe("cancelled");
    await offered(inChat.others[0]!);

    const byStaff = await contested("I need help with Python on Tuesday at 14", ["Ada", "Grace"]);
    await byStaff.others[0]!.say(QUICK.joinWaitlist);
    const token = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;
    unwrapOk(await sidecar.staffScheduleCancel(token, { bookingId: byStaff.holder.bookingId, reason: "Tutor is ill" }));
    await offered(byStaff.others[0]!);
  });

  it("offers the hour a booking was moved out of to the first in line, as a cancel does", async () => {
    const moving = await contested("I need help with Python on Wednesday at 14", ["Ada", "Grace"]);
    await moving.others[0]!.say(QUICK.joinWaitlist);
    const offer = await moving.holder.say(QUICK.reschedule);
    expect(offer.bookingInfo?.moveOptions?.length).toBeGreaterThan(0);
    const moved = await moving.holder.say("yes");
    expect(moved.bookingInfo?.movedFrom).toMatchObject({ date: moving.slot.date, start: moving.slot.start });
    expect(await confirmedOwners(moving.slot)).toEqual([]);
    await offered(moving.others[0]!);
    // The bell: the mover hears their session moved; the first in line, that a place opened up (not booked).
    expect((await bell(moving.holder)).map((note) => [note.kind, note.title])).toContainEqual(["moved", "Session moved"]);
    const [opened] = (await bell(moving.others[0]!)).filter((note) => note.kind === "waitlist_offer");
    expect(opened?.body).toMatch(/is free and offered to you for 30 minutes\. It is not booked yet/);
  });

  it("takes a student off the line when they leave it, and a held offer goes straight to the next", async () => {
    const { holder, others, line } = await contested("I need help with Python on Friday at 10", ["Ada", "Grace", "Alan", "Joan"]);
    const [grace, alan, joan] = [others[0]!, others[1]!, others[2]!];
    for (const one of [grace, alan, joan]) await one.say(QUICK.joinWaitlist);

    const left = await alan.say(QUICK.leaveWaitlist);
    expect(left.messages.at(-1)?.content).toMatch(/^You're off the waitlist for /);
    expect((await alan.say(QUICK.leaveWaitlist)).messages.at(-1)?.content).toMatch(/^You weren't on the waitlist/);
    expect((await joan.say(QUICK.joinWaitlist)).messages.at(-1)?.content).toMatch(/number 2 in line/);

    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    await offered(grace);
    const declined = await grace.say(QUICK.leaveWaitlist);
    expect(declined.bookingInfo).toBeNull();
    await offered(joan);
    expect((await line.entries()).map((entry) => [entry.ownerId, entry.state])).toEqual([[joan.ownerId, "offered"]]);
  });

  it("skips a student whose chat is in the trash, and offers no slot whose hour has passed", async () => {
    const { holder, others, line } = await contested("I need help with Python on Sunday at 3pm", ["Ada", "Grace", "Alan"]);
    const [grace, alan] = [others[0]!, others[1]!];
    for (const one of [grace, alan]) await one.say(QUICK.joinWaitlist);
    unwrapOk(await sidecar.deleteChat(grace.sessionId, grace.ownerId));
    // Freed behind the line's back, so the test decides when the line hears of it, and at what time.
    await env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE id = ?").bind(holder.bookingId).run();

    expect(await line.slotFreed(null, Date.now() + 400 * 24 * 60 * 60 * 1000)).toEqual({ offeredTo: null });
    expect((await line.entries()).map((entry) => entry.state)).toEqual(["waiting", "waiting"]);

    expect(await line.slotFreed(null, Date.now())).toEqual({ offeredTo: alan.ownerId });
    await offered(alan);
    expect((await line.entries()).map((entry) => [entry.ownerId, entry.state])).toEqual([
      [grace.ownerId, "expired"],
      [alan.ownerId, "offered"],
    ]);
  });

  it("offers no slot the center's rules now refuse (a closed date added since): the same rule the booking will meet", async () => {
    const { holder, others, line, slot } = await contested("I need help with Python on Thursday at 5pm", ["Ada", "Grace"]);
    const grace = others[0]!;
    await grace.say(QUICK.joinWaitlist);
    await env.DB.prepare("UPDATE bookings SET status = 'cancelled' WHERE id = ?").bind(holder.bookingId).run();
    await env.DB.prepare("INSERT INTO center_closed_dates (center_id, date, reason) VALUES ('main', ?, 'Staff training')").bind(slot.date).run();
    try {
      expect(await line.slotFreed(null, Date.now())).toEqual({ offeredTo: null });
      expect((await line.entries()).map((entry) => entry.state)).toEqual(["waiting"]);
    } finally {
      await env.DB.prepare("DELETE FROM center_closed_dates WHERE date = ?").bind(slot.date).run();
    }
    // Open again: the same freed slot is offered.
    expect(await line.slotFreed(null, Date.now())).toEqual({ offeredTo: grace.ownerId });
    await offered(grace);
  });

  it("costs a cancel with no waitlist one Durable Object call that writes no rows and stores nothing", async () => {
    const { holder, slot } = await contested("I need help with Python on Saturday at 10", ["Ada"]);
    const line = env.WAITLIST.get(env.WAITLIST.idFromName(waitlistName(slot)));
    unwrapOk(await sidecar.cancelBooking(holder.ownerId, holder.bookingId));
    expect(await line.slotFreed(null, TEST_NOW)).toEqual({ offeredTo: null });
    // The one read is the object's check, on waking, that it has a schema; no D1 row is touched.
    expect(await line.rowCounts()).toEqual({ reads: 1, writes: 0 });
    expect(await runInDurableObject(line, (_instance: Waitlist, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'entry'").toArray())).toEqual([]);
  });
});
