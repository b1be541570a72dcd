import { describe, expect, it } from "vitest";
import { bookingCancelledNotice, bookingConfirmedNotice, bookingMovedNotice, reminderNotice, waitlistOfferNotice } from "../../lib/notifications/messages";
import { BELL_LANGUAGES } from "../../lib/notifications/phrases";
import { LANGUAGE_CODES } from "../../lib/tutoring/schemas";

const SESSION = { bookingId: "b1", date: "2026-11-23", start: "10:00", subject: "Python", tutorName: "Maya Chen" };
const OFFER = { tutorId: "t1", tutorName: "Maya Chen", date: "2026-11-23", start: "10:00", until: 1, minutes: 30 };

/** Every notice the bell can say, in `language`. */
function allNotices(language: (typeof LANGUAGE_CODES)[number] | undefined) {
  return [
    bookingConfirmedNotice({ ...SESSION, language }),
    bookingCancelledNotice({ ...SESSION, language, by: "you" }),
    bookingCancelledNotice({ ...SESSION, language, by: "center", reason: "the tutor is ill" }),
    reminderNotice({ ...SESSION, language, mailKey: "k", hoursBefore: 24 }),
    reminderNotice({ ...SESSION, language, mailKey: "k", hoursBefore: 1 }),
    bookingMovedNotice({ ...SESSION, language, from: { date: "2026-11-20", start: "09:00" }, movedAt: 5 }),
    waitlistOfferNotice({ ...OFFER, language }),
  ];
}

describe("the bell speaks the booking's language", () => {
  it("says every notice in Spanish for a booking made in Spanish", () => {
    expect(allNotices("es").map(({ title, body }) => [title, body])).toEqual([
      ["Sesión reservada", "Tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00 está reservada."],
      ["Sesión cancelada", "Tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00 se ha cancelado."],
      ["Sesión cancelada por el centro", "Tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00 se ha cancelado por el centro: «the tutor is ill»."],
      ["Sesión mañana", "Recordatorio: tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00."],
      ["Sesión dentro de poco", "Recordatorio: tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00."],
      ["Sesión cambiada", "Tu sesión de Python con Maya Chen del lunes 23 de noviembre a las 10:00 está reservada (antes era el viernes 20 de noviembre a las 09:00)."],
      ["Se ha liberado un hueco", "Maya Chen, el lunes 23 de noviembre a las 10:00, está libre y te lo ofrecemos durante 30 minutos. Todavía no está reservado: di «Reservarlo» en tu chat."],
    ]);
  });

  it("keeps English for a booking made in English, or with no language stored", () => {
    const english = allNotices("en");
    expect(allNotices(undefined)).toEqual(english);
    expect(english.map(({ title, body }) => [title, body])).toEqual([
      ["Session booked", "Your Python session with Maya Chen on Monday, Nov 23 at 10:00 is booked."],
      ["Session cancelled", "Your Python session with Maya Chen on Monday, Nov 23 at 10:00 was cancelled."],
      ["Session cancelled by the center", "Your Python session with Maya Chen on Monday, Nov 23 at 10:00 was cancelled by the center: “the tutor is ill”."],
      ["Session tomorrow", "Reminder: Your Python session with Maya Chen on Monday, Nov 23 at 10:00."],
      ["Session soon", "Reminder: Your Python session with Maya Chen on Monday, Nov 23 at 10:00."],
      ["Session moved", "Your Python session with Maya Chen on Monday, Nov 23 at 10:00 is booked (moved from Friday, Nov 20 at 09:00)."],
      ["A place opened up", "Maya Chen on Monday, Nov 23 at 10:00 is free and offered to you for 30 minutes. It is not booked yet: say \"Book it\" in your chat."],
    ]);
  });

  it("keys a notice the same in every language (a retried effect adds nothing), and has a file for every language", () => {
    expect(allNotices("es").map((notice) => notice.key)).toEqual(allNotices("en").map((notice) => notice.key));
    expect(Object.keys(BELL_LANGUAGES).sort()).toEqual([...LANGUAGE_CODES].sort());
  });
});
