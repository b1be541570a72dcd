import { EN as CHAT } from "../../tutoring/phrases/en";
import type { MailPhrases } from "./types";

/** The booking emails in English. */
export const MAIL_EN: MailPhrases = {
  icsLanguage: "EN",
  slot: (slot) => CHAT.slot(slot),
  topic: (subject) => (subject ? `${subject} tutoring` : "Tutoring"),
  where: (mode, centerName) => (mode === "online" ? "Online" : `In person at ${centerName}`),
  hello: (name) => `Hello ${name},`,
  labels: { when: "When", where: "Where", number: "Booking number", reason: "Reason" },
  inviteSummary: (topic, studentName, tutorName) => `${topic}: ${studentName} with ${tutorName}`,
  inviteDescription: (number, centerName) => `Booking ${number} at ${centerName}.`,
  subject: {
    confirmation: (topic, tutorName, slot) => `Booked: ${topic} with ${tutorName}, ${slot}`,
    update: (topic, tutorName, slot) => `Moved: ${topic} with ${tutorName}, now ${slot}`,
    cancellation: (topic, tutorName, slot) => `Cancelled: ${topic} with ${tutorName}, ${slot}`,
    reminder: (topic, tutorName, slot) => `Reminder: ${topic} with ${tutorName}, ${slot}`,
  },
  line: {
    confirmation: (tutorName) => `Your session with ${tutorName} is booked. The attached invite adds it to your calendar.`,
    update: (tutorName) => `Your session with ${tutorName} has moved to the time below. The attached update changes it in your calendar.`,
    cancellation: (tutorName, reason) => `Your session with ${tutorName} is cancelled.${reason} The attached update removes it from your calendar.`,
  },
  reminderLine: (tutorName) => `A reminder of your session with ${tutorName}.`,
  reminderCancelHint: "If you cannot come, please cancel it (with the link below, or from My bookings) so someone else can have the time.",
  manageLine: (url) => `Manage this booking (view, move or cancel it) on any device: ${url}\nThis link lets anyone who has it manage this booking — don't forward it.`,
  viewLine: (url) => `View this booking on any device: ${url}\nThis link lets anyone who has it see this booking — don't forward it.`,
  stopLine: (address, url) => `Not you, or no more of these emails? Stop all emails to ${address}: ${url}`,
};
