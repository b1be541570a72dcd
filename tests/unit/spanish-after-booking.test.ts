import { describe, expect, it } from "vitest";
import { DEFAULT_CENTER_POLICY, checkSlot } from "../../lib/center/policy";
import { bookingMessages, type BookingMailFacts } from "../../lib/mail/booking-mail";
import { reminderMessage } from "../../lib/mail/reminders";
import { EMPTY_MEMORY } from "../../lib/memory/view";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { ES } from "../../lib/tutoring/phrases/es";
import { offerExpiredText, offerNotice, takenAtRequestText } from "../../lib/tutoring/waitlist";

// What a Spanish-speaking student hears after booking: moves, a returning welcome, the center's rules, the emails.

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);

/** Words only an English reply would have. */
const ENGLISH = /\b(the|you|your|would|want|with|what|and|is|are|booked|moved|Please|Sorry|Move|free)\b/;

function last(turn: AssistantTurn): string {
  return turn.replies.at(-1)?.content ?? "";
}

/** A Spanish chat whose Python session with Maya Chen on Friday at 10 is confirmed. */
function bookedInSpanish(): SessionFields {
  const slot = { day: "friday" as const, date: "2026-11-20", start: "10:00", end: "11:00" };
  return SessionFields.parse({
    ...EMPTY_SESSION_FIELDS,
    searchCriteria: { skill: "Python", excludeTutorIds: [], lang: "es" },
    bookingInfo: { step: "confirmed", tutorId: "t-001", tutorName: "Maya Chen", slot, bookingId: "bk-1", reference: "K7MQ-2XPD", studentName: "Ana", studentEmail: "ana@example.com", mode: "online", intake: "Recursión" },
  });
}

describe("a Spanish chat after its booking", () => {
  it("offers, confirms and reports a move in Spanish", async () => {
    let fields = bookedInSpanish();
    const offer = await respond({ fields, message: "quiero cambiar mi reserva al lunes", now: NOW, catalog });
    expect(last(offer)).toMatch(/^Maya Chen está libre el lunes 23 de noviembre, de \d\d:\d\d a \d\d:\d\d\. ¿Cambio tu sesión del viernes 20 de noviembre, de 10:00 a 11:00 a esa hora\?$/);
    expect(offer.replies.at(-1)?.quickReplies).toEqual([ES.quick.yes, ES.quick.changeTime, ES.quick.others, ES.quick.no]);
    fields = SessionFields.parse({ ...fields, ...offer.patch });

    const yes = await respond({ fields, message: "Sí", now: NOW, catalog });
    expect(yes.effect?.type).toBe("move_booking");
    expect(last(yes)).toMatch(/^Cambiando tu sesión al lunes 23 de noviembre/);
    fields = SessionFields.parse({ ...fields, ...yes.patch });

    const done = describeEffectOutcome(fields, yes.effect!, { ok: true, bookingId: "bk-1", emailedTo: "ana@example.com" });
    expect(last(done)).toMatch(/^Hecho: tu sesión ahora es el lunes 23 de noviembre.+con Maya Chen \(antes era el viernes 20 de noviembre, de 10:00 a 11:00\)\. Tu número de reserva sigue siendo K7MQ-2XPD\. /);
    const taken = describeEffectOutcome(fields, yes.effect!, { ok: false, reason: "weekly_cap", cap: 2 });
    expect(last(taken)).toBe("No ha cambiado nada: ya tienes 2 sesiones esa semana, el límite del centro. Tu sesión sigue el viernes 20 de noviembre, de 10:00 a 11:00 con Maya Chen.");
    for (const turn of [offer, yes, done, taken]) for (const line of turn.replies) expect(line.content, line.content).not.toMatch(ENGLISH);
  });

  it("welcomes a returning Spanish speaker back with the repeat offer in Spanish", async () => {
    const memory = { ...EMPTY_MEMORY, name: "Ana López", lastSession: { tutorId: "t-001", tutorName: "Maya Chen", subject: "Python", day: "monday" as const, start: "10:00", mode: "online" as const } };
    const turn = await respond({ fields: EMPTY_SESSION_FIELDS, message: "hola", now: NOW, catalog, memory });
    const text = turn.replies.map((line) => line.content).join("\n");
    expect(text).toContain("¡Hola otra vez, Ana! ¿Python con Maya Chen otra vez, el lunes 23 de noviembre, de 10:00 a 11:00?");
    expect(turn.replies.at(-1)?.quickReplies).toEqual([ES.quick.yes, ES.quick.no, ES.quick.others]);
  });

  it("explains the center's rules in Spanish", () => {
    const policy = { ...DEFAULT_CENTER_POLICY, minLeadMinutes: 24 * 60 };
    const verdict = checkSlot(policy, { date: "2026-11-18", start: "15:00", end: "16:00" }, NOW, ES.rule);
    expect(verdict).toMatchObject({ ok: false, rule: "lead_time", explanation: "Las sesiones necesitan al menos 24 horas de antelación, así que lo más pronto que puedo reservar es el jueves 19 de noviembre a las 09:00." });
  });

  it("words a waitlist offer and its end in Spanish", () => {
    const wanted = { tutorId: "t-001", tutorName: "Maya Chen", slot: { day: "friday" as const, date: "2026-11-20", start: "10:00", end: "11:00" } };
    const offer = offerNotice(wanted, ES);
    expect(offer.content).toMatch(/^Se ha liberado un hueco: Maya Chen el viernes 20 de noviembre, de 10:00 a 11:00\. .*«Reservarlo»/);
    expect(offer.quickReplies).toEqual([ES.quick.bookIt, ES.quick.leaveWaitlist]);
    expect(takenAtRequestText(wanted, ES)).toBe("Maya Chen tiene reservado el viernes 20 de noviembre, de 10:00 a 11:00; puedes apuntarte a la lista de espera.");
    expect(offerExpiredText(wanted, ES)).toBe("La oferta de Maya Chen el viernes 20 de noviembre, de 10:00 a 11:00 ha caducado y ya no estás en esa lista de espera.");
  });
});

describe("the booking emails' languages", () => {
  const facts: BookingMailFacts = {
    id: "bk-1", reference: "K7MQ-2XPD", date: "2026-11-20", start: "10:00", end: "11:00", studentName: "Ana López", studentEmail: "ana@example.com",
    mode: "in_person", subject: "Python", cancelReason: "el tutor está enfermo", tutorName: "Maya Chen", tutorEmail: "maya@example.edu",
    centerName: "Riverside Tutoring", timeZone: "America/Los_Angeles", language: "es",
  };
  const options = { organizerEmail: "bookings@example.edu", now: NOW };
  const invite = (content: string) => new TextDecoder().decode(Uint8Array.from(atob(content), (char) => char.charCodeAt(0)));

  it("writes the student's message and invite in the booking's language, the tutor's in English", () => {
    const [student, tutor] = bookingMessages(facts, "cancellation", 1, options);
    expect(student!.message.subject).toBe("Cancelada: Tutoría de Python con Maya Chen, viernes 20 de noviembre, de 10:00 a 11:00");
    expect(student!.message.text).toContain("Tu sesión con Maya Chen está cancelada.\nMotivo: el tutor está enfermo");
    expect(student!.message.text).toContain("Dónde: En persona en Riverside Tutoring");
    const ics = invite(student!.message.attachments[0]!.content);
    expect(ics).toContain("SUMMARY:Tutoría de Python: Ana López con Maya Chen");
    expect(ics).toContain("DESCRIPTION:Reserva K7MQ-2XPD en Riverside Tutoring.");
    expect(tutor!.message.subject).toBe("Cancelled: Ana López, Friday, Nov 20 at 10:00–11:00");
    expect(invite(tutor!.message.attachments[0]!.content)).toContain("SUMMARY:Python tutoring: Ana López with Maya Chen");
  });

  it("reminds in the booking's language, and in English for a booking without one", () => {
    expect(reminderMessage(facts).subject).toBe("Recordatorio: Tutoría de Python con Maya Chen, viernes 20 de noviembre, de 10:00 a 11:00");
    const { language: _language, ...english } = facts;
    expect(reminderMessage(english).subject).toBe("Reminder: Python tutoring with Maya Chen, Friday, Nov 20 at 10:00–11:00");
  });
});
