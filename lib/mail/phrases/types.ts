import type { SessionSlot } from "../../tutoring/schemas";

/**
 * Everything a booking email and its calendar invite say, as one language says it. A language is
 * one file (en.ts, es.ts) that fills this shape; the booking's language (bookings.language) picks it.
 * Plain text: the emails carry no HTML.
 */
export interface MailPhrases {
  /** The language tag the invite's PRODID carries ("EN"). */
  icsLanguage: string;
  /** "Monday, Nov 23 at 10:00–11:00". */
  slot(slot: SessionSlot): string;
  /** "Python tutoring"; "Tutoring" without a subject. */
  topic(subject: string): string;
  /** "Online" / "In person at Riverside Tutoring". */
  where(mode: "online" | "in_person", centerName: string): string;
  hello(name: string): string;
  labels: { when: string; where: string; number: string; reason: string };
  /** The invite's SUMMARY and DESCRIPTION. */
  inviteSummary(topic: string, studentName: string, tutorName: string): string;
  inviteDescription(number: string, centerName: string): string;
  /** The student's subject line and opening line, by what happened. */
  subject: Record<"confirmation" | "update" | "cancellation" | "reminder", (topic: string, tutorName: string, slot: string) => string>;
  line: Record<"confirmation" | "update" | "cancellation", (tutorName: string, reason: string) => string>;
  reminderLine(tutorName: string): string;
  reminderCancelHint: string;
  /** The student's "Manage this booking" line (lib/mail/manage-link.ts); a cancellation's only views it. */
  manageLine(url: string): string;
  viewLine(url: string): string;
  /** The "stop these emails" line every email ends with (lib/mail/stop-link.ts). */
  stopLine(address: string, url: string): string;
}
