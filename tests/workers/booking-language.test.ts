import { env, runInDurableObject } from "cloudflare:test";
import ICAL from "ical.js";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { MailOutbox, OutboxMessage } from "../../durable-objects/mail-outbox";
import { FIRST_CENTER } from "../../lib/center/ids";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { MailMessage } from "../../lib/mail/mailer";
import { ES } from "../../lib/tutoring/phrases/es";
import type { ChatState } from "../../lib/schemas";
import { cancelBooking } from "../../services/bookings";
import { whySlotRefused } from "../../services/db/bookable";
import { waitlistFor } from "../../services/objects";
import { createFakeMailApi, inviteOf, type FakeMailApi } from "../fakes/mail-api";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { atReview, sidecar } from "./memory-helpers";

// A booking keeps the language of the chat that made it: its emails, reminders and later notices are said in it.

let fake: FakeMailApi;

beforeAll(async () => {
  await seedCatalog();
  await env.DB.prepare("UPDATE center_settings SET name = 'Riverside Tutoring' WHERE id = 1").run();
  await verifiedAddresses("ana@example.com", "ada@example.com", "luis@example.com");
});

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

async function sent(bookingId: string, count: number): Promise<OutboxMessage[]> {
  return vi.waitFor(
    async () => {
      const messages = (await outbox(bookingId).messages()).filter((message) => message.kind !== "reminder");
      if (messages.length < count || messages.some((message) => message.status !== "sent")) throw new Error("not sent yet");
      return messages;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** The bodies the fake provider received for the booking, by subject. */
function mailTo(address: string) {
  return fake.delivered().filter((request) => request.body.to.includes(address));
}

function inviteEvent(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return new ICAL.Event(calendar.getFirstSubcomponent("vevent")!);
}

/** A student who writes Spanish from the first message to the confirmation. */
async function bookInSpanish(email: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const say = async (content: string): Promise<ChatState> => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
  await say("¿Hay tutores de Python el lunes a las 10?");
  await say(ES.quick.book);
  await say("Sí");
  await say(`me llamo Ana López, ${email}`);
  const review = await say("En línea. Recursión");
  expect(review.bookingInfo?.step).toBe("review");
  const booked = await say(ES.quick.confirm);
  expect(booked.bookingInfo?.step).toBe("confirmed");
  return { sessionId, ownerId, say, bookingId: booked.bookingInfo!.bookingId!, slot: booked.bookingInfo!.slot, tutorId: booked.bookingInfo!.tutorId };
}

describe("a booking made in Spanish", () => {
  it("keeps its language, and its confirmation, invite and reminders are in Spanish", async () => {
    const { bookingId, ownerId } = await bookInSpanish("ana@example.com");
    const row = await env.DB.prepare("SELECT language FROM bookings WHERE id = ?1").bind(bookingId).first<{ language: string }>();
    expect(row?.language).toBe("es");
    // The bell says it in the booking's language too.
    const [bell] = unwrapOk(await sidecar.notifications(ownerId)).notifications;
    expect(bell).toMatchObject({ kind: "booking_confirmed", title: "Sesión reservada" });
    expect(bell!.body).toMatch(/^Tu sesión de Python del lunes \d+ de \w+ a las 10:00 está reservada\.$/);

    await sent(bookingId, 1);
    const [confirmation] = mailTo("ana@example.com");
    expect(confirmation!.body.subject).toMatch(/^Reservada: Tutoría de Python con .+, lunes \d+ de \w+, de 10:00 a 11:00$/);
    expect(confirmation!.body.text).toMatch(/^Hola, Ana López:\n\nTu sesión con .+ está reservada\./);
    expect(confirmation!.body.text).toContain("Cuándo: lunes");
    expect(confirmation!.body.text).toContain("Dónde: En línea");
    expect(confirmation!.body.text).toContain("Gestiona esta reserva");
    expect(confirmation!.body.text).toContain("Deja de recibir correos en ana@example.com");
    const event = inviteEvent(inviteOf(confirmation!));
    expect(event.summary).toMatch(/^Tutoría de Python: Ana López con /);
    expect(event.description).toMatch(/^Reserva [A-Z0-9-]+ en Riverside Tutoring\.$/);

    // The reminders were written when the booking was confirmed, in its language.
    const reminders = await runInDurableObject(outbox(bookingId), (_instance: MailOutbox, state) =>
      state.storage.sql.exec<{ message: string }>("SELECT message FROM mail WHERE kind = 'reminder'").toArray(),
    );
    expect(reminders.length).toBeGreaterThan(0);
    for (const { message } of reminders) {
      const reminder = MailMessage.parse(JSON.parse(message));
      expect(reminder.subject).toMatch(/^Recordatorio: Tutoría de Python con /);
      expect(reminder.text).toContain("Te recordamos tu sesión con");
      expect(reminder.text).toContain("Si no puedes venir, cancélala");
    }
  });

  it("a staff cancel tells the chat and the student in Spanish, and the freed slot is offered to a Spanish waitlist in Spanish", async () => {
    const booking = await bookInSpanish("ana@example.com");
    await sent(booking.bookingId, 1);

    // Another Spanish-speaking student waits for the same hour.
    const waiting = { sessionId: newSessionId(), ownerId: newOwnerId() };
    unwrapOk(await sidecar.sendMessage(waiting.sessionId, waiting.ownerId, { content: "Hola, necesito ayuda con Python" }));
    const wanted = { tutorId: booking.tutorId, tutorName: "", slot: booking.slot };
    wanted.tutorName = (await env.DB.prepare("SELECT name FROM tutors WHERE id = ?1").bind(booking.tutorId).first<{ name: string }>())!.name;
    unwrapOk(await waitlistFor(env, { tutorId: booking.tutorId, ...booking.slot }).join({ ...waiting, chatId: waiting.sessionId, wanted, subject: "Python", language: "es" }, Date.now()));

    const cancelled = await cancelBooking(env, { bookingId: booking.bookingId, who: { by: "center", center: FIRST_CENTER, reason: "el tutor está enfermo" }, now: Date.now(), tellChat: true });
    expect(cancelled).toMatchObject({ ok: true, chatTold: true });

    const chat = unwrapOk(await chatSession(booking.sessionId).getState(booking.ownerId));
    expect(chat.messages.at(-1)?.content).toMatch(/^El centro de tutorías canceló tu sesión con .+ el lunes \d+ de \w+, de 10:00 a 11:00\. Motivo: el tutor está enfermo$/);

    const bell = unwrapOk(await sidecar.notifications(booking.ownerId)).notifications.find((notice) => notice.kind === "booking_cancelled");
    expect(bell).toMatchObject({ title: "Sesión cancelada por el centro" });
    expect(bell!.body).toMatch(/^Tu sesión del lunes \d+ de \w+ a las 10:00 se ha cancelado por el centro: «el tutor está enfermo»\.$/);

    await sent(booking.bookingId, 2);
    const cancellation = mailTo("ana@example.com").find((request) => request.body.subject.startsWith("Cancelada:"));
    expect(cancellation?.body.text).toContain("está cancelada.\nMotivo: el tutor está enfermo");
    expect(cancellation?.body.text).toContain("Ve esta reserva desde cualquier dispositivo");

    await vi.waitFor(async () => {
      const state = unwrapOk(await chatSession(waiting.sessionId).getState(waiting.ownerId));
      expect(state.messages.at(-1)?.content).toMatch(/^Se ha liberado un hueco: .+ el lunes \d+ de \w+, de 10:00 a 11:00\. Eres el primero/);
      expect(state.messages.at(-1)?.quickReplies).toEqual([ES.quick.bookIt, ES.quick.leaveWaitlist]);
    });
    const offer = await vi.waitFor(async () => {
      const found = unwrapOk(await sidecar.notifications(waiting.ownerId)).notifications.find((notice) => notice.kind === "waitlist_offer");
      if (!found) throw new Error("no offer in the bell yet");
      return found;
    });
    expect(offer).toMatchObject({ title: "Se ha liberado un hueco" });
    expect(offer!.body).toMatch(/^.+, el lunes \d+ de \w+ a las 10:00, está libre y te lo ofrecemos durante \d+ minutos\. Todavía no está reservado: di «Reservarlo» en tu chat\.$/);
  });

  it("a refusal by the center's rules is explained in Spanish", async () => {
    const policy = { ...DEFAULT_CENTER_POLICY, closedDates: [{ date: "2030-01-07", reason: "" }], horizonDays: 10_000, minLeadMinutes: 0 };
    const slot = { tutorId: "t-none", date: "2030-01-07", start: "10:00", end: "11:00", ownerId: newOwnerId(), studentEmail: "ana@example.com", now: Date.now() };
    expect(await whySlotRefused(env.DB, slot, policy, "es")).toMatchObject({ reason: "policy", explanation: "El centro está cerrado el lunes 7 de enero." });
    expect(await whySlotRefused(env.DB, slot, policy)).toMatchObject({ reason: "policy", explanation: "The center is closed on Monday, Jan 7." });
  });
});

describe("a booking made in English", () => {
  it("keeps English emails and invite", async () => {
    const { sessionId, ownerId } = await atReview("ada@example.com");
    const booked = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "yes" })).state;
    const bookingId = booked.bookingInfo!.bookingId!;
    const row = await env.DB.prepare("SELECT language FROM bookings WHERE id = ?1").bind(bookingId).first<{ language: string }>();
    expect(row?.language).toBe("en");
    expect(unwrapOk(await sidecar.notifications(ownerId)).notifications[0]).toMatchObject({ title: "Session booked", body: expect.stringMatching(/^Your Python session on \w+day, \w+ \d+ at \d\d:\d\d is booked\.$/) });
    await sent(bookingId, 1);
    const [confirmation] = mailTo("ada@example.com");
    expect(confirmation!.body.subject).toMatch(/^Booked: Python tutoring with /);
    expect(confirmation!.body.text).toMatch(/^Hello Ada Lovelace,\n\nYour session with .+ is booked\./);
    expect(inviteEvent(inviteOf(confirmation!)).summary).toMatch(/^Python tutoring: Ada Lovelace with /);
  });
});
