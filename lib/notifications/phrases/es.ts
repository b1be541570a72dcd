import { dateText } from "../../tutoring/phrases/es";
import type { BellPhrases } from "./types";

/** The bell in Spanish. */
export const BELL_ES: BellPhrases = {
  session: (facts) => {
    const topic = facts.subject ? `sesión de ${facts.subject}` : "sesión";
    const tutor = facts.tutorName ? ` con ${facts.tutorName}` : "";
    return `Tu ${topic}${tutor} del ${dateText(facts.date)} a las ${facts.start}`;
  },
  confirmed: { title: "Sesión reservada", body: (session) => `${session} está reservada.` },
  cancelled: {
    title: (byCenter) => (byCenter ? "Sesión cancelada por el centro" : "Sesión cancelada"),
    body: (session, byCenter, reason) => `${session} se ha cancelado${byCenter ? ` por el centro${reason ? `: «${reason}»` : ""}` : ""}.`,
  },
  reminder: { title: (hoursBefore) => (hoursBefore >= 24 ? "Sesión mañana" : "Sesión dentro de poco"), body: (session) => `Recordatorio: ${session.charAt(0).toLowerCase()}${session.slice(1)}.` },
  moved: { title: "Sesión cambiada", body: (session, fromDate, fromStart) => `${session} está reservada (antes era el ${dateText(fromDate)} a las ${fromStart}).` },
  waitlistOffer: {
    title: "Se ha liberado un hueco",
    body: (offer) =>
      `${offer.tutorName}, el ${dateText(offer.date)} a las ${offer.start}, está libre y te lo ofrecemos durante ${offer.minutes} minutos. Todavía no está reservado: di «Reservarlo» en tu chat.`,
  },
};
