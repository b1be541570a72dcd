import { ES as CHAT } from "../../tutoring/phrases/es";
import type { MailPhrases } from "./types";

/** The booking emails in Spanish. */
export const MAIL_ES: MailPhrases = {
  icsLanguage: "ES",
  slot: (slot) => CHAT.slot(slot),
  topic: (subject) => (subject ? `Tutoría de ${subject}` : "Tutoría"),
  where: (mode, centerName) => (mode === "online" ? "En línea" : `En persona en ${centerName}`),
  hello: (name) => `Hola, ${name}:`,
  labels: { when: "Cuándo", where: "Dónde", number: "Número de reserva", reason: "Motivo" },
  inviteSummary: (topic, studentName, tutorName) => `${topic}: ${studentName} con ${tutorName}`,
  inviteDescription: (number, centerName) => `Reserva ${number} en ${centerName}.`,
  subject: {
    confirmation: (topic, tutorName, slot) => `Reservada: ${topic} con ${tutorName}, ${slot}`,
    update: (topic, tutorName, slot) => `Cambiada: ${topic} con ${tutorName}, ahora ${slot}`,
    cancellation: (topic, tutorName, slot) => `Cancelada: ${topic} con ${tutorName}, ${slot}`,
    reminder: (topic, tutorName, slot) => `Recordatorio: ${topic} con ${tutorName}, ${slot}`,
  },
  line: {
    confirmation: (tutorName) => `Tu sesión con ${tutorName} está reservada. La invitación adjunta la añade a tu calendario.`,
    update: (tutorName) => `Tu sesión con ${tutorName} ha cambiado a la hora de abajo. La actualización adjunta la cambia en tu calendario.`,
    cancellation: (tutorName, reason) => `Tu sesión con ${tutorName} está cancelada.${reason} La actualización adjunta la quita de tu calendario.`,
  },
  reminderLine: (tutorName) => `Te recordamos tu sesión con ${tutorName}.`,
  reminderCancelHint: "Si no puedes venir, cancélala (con el enlace de abajo o desde Mis reservas) para que otra persona pueda usar ese horario.",
  manageLine: (url) => `Gestiona esta reserva (verla, cambiarla o cancelarla) desde cualquier dispositivo: ${url}\nCon este enlace cualquiera puede gestionar esta reserva: no lo reenvíes.`,
  viewLine: (url) => `Ve esta reserva desde cualquier dispositivo: ${url}\nCon este enlace cualquiera puede ver esta reserva: no lo reenvíes.`,
  stopLine: (address, url) => `¿No eres tú, o no quieres más correos como este? Deja de recibir correos en ${address}: ${url}`,
};
