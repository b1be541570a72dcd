import { weekdayOf } from "../calendar";
import type { Language } from "../tutoring/schemas";
import { bookingInvite } from "./invite";
import { mailPhrasesIn, type MailPhrases } from "./phrases";
import { MAIL_EN } from "./phrases/en";
import type { BookingRequest } from "../tutoring/turn-types";
import type { MailMessage } from "./mailer";

/**
 * What a booking email is about: a new booking (an invite), its cancellation (the invite withdrawn),
 * the booking moved to another slot (the same invite, updated), or a reminder before the session (lib/mail/reminders.ts).
 */
export type MailKind = "confirmation" | "cancellation" | "update" | "reminder";
export type MailRole = "student" | "tutor";

export interface BookingMailFacts extends Omit<BookingRequest, "tutorId" | "intake"> {
  id: string;
  /** the short reference the email gives as the booking number ("K7MQ-2XPD"); null: a row written by hand, the id is given */
  reference: string | null;
  cancelReason: string | null;
  tutorName: string;
  /** null: the tutor has no address on file and gets no copy (tutors.email, migration 0009) */
  tutorEmail: string | null;
  centerName: string;
  timeZone: string;
  /** the language the booking was made in (bookings.language): the student's emails are in it; absent is English */
  language?: Language;
}

const TUTOR_SUBJECT = { confirmation: "New session", update: "Moved session", cancellation: "Cancelled" } as const;

/** What an email calls the booking: its short reference, or its id for a row that has none. The calendar UID stays the id. */
export function bookingNumber(booking: Pick<BookingMailFacts, "id" | "reference">): string {
  return booking.reference ?? booking.id;
}

/** The base64 of UTF-8 text (an attachment's `content`), without Node's Buffer. */
export function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The messages one change to a booking sends: the student's, and the tutor's
 * when the tutor has an address. Each carries the same calendar event (UID of
 * the booking, `sequence`), METHOD REQUEST for a confirmation and for an update
 * (a move: the new times under the same UID), CANCEL for a cancellation; the organizer is the center (`organizerEmail`, the sender).
 * The student's message and invite are in the booking's language (lib/mail/phrases/); the tutor's in English.
 */
export function bookingMessages(
  booking: BookingMailFacts,
  kind: Exclude<MailKind, "reminder">,
  sequence: number,
  options: { organizerEmail: string; now: Date },
): { role: MailRole; message: MailMessage }[] {
  const student = mailPhrasesIn(booking.language);
  const messages: { role: MailRole; message: MailMessage }[] = [
    { role: "student", message: studentMessage(booking, kind, student, inviteAttachment(booking, kind, sequence, options, student)) },
  ];
  if (booking.tutorEmail) {
    const attachment = student === MAIL_EN ? messages[0]!.message.attachments[0]! : inviteAttachment(booking, kind, sequence, options, MAIL_EN);
    messages.push({ role: "tutor", message: tutorMessage(booking, kind, booking.tutorEmail, attachment) });
  }
  return messages;
}

/** What every booking email and invite is about, in one language. */
function particulars(booking: BookingMailFacts, say: MailPhrases) {
  const slot = say.slot({ day: weekdayOf(booking.date), date: booking.date, start: booking.start, end: booking.end });
  return { slot, topic: say.topic(booking.subject), where: say.where(booking.mode, booking.centerName), number: bookingNumber(booking) };
}

/** The body every booking email shares: greeting, its lines, when, where, the number, `after` (a paragraph), the center. */
export function bookingMailText(booking: BookingMailFacts, say: MailPhrases, greeting: string, lines: string[], after?: string): string {
  const { slot, where, number } = particulars(booking, say);
  return [
    say.hello(greeting), "", ...lines, "",
    `${say.labels.when}: ${slot} (${booking.timeZone})`, `${say.labels.where}: ${where}`, `${say.labels.number}: ${number}`, "",
    ...(after ? [after, ""] : []),
    `— ${booking.centerName}`,
  ].join("\n");
}

type Attachment = MailMessage["attachments"][number];

function inviteAttachment(
  booking: BookingMailFacts,
  kind: Exclude<MailKind, "reminder">,
  sequence: number,
  options: { organizerEmail: string; now: Date },
  say: MailPhrases,
): Attachment {
  const { topic, where, number } = particulars(booking, say);
  const attendees = [{ name: booking.studentName, email: booking.studentEmail }, ...(booking.tutorEmail ? [{ name: booking.tutorName, email: booking.tutorEmail }] : [])];
  const method = kind === "cancellation" ? "CANCEL" : "REQUEST";
  const ics = bookingInvite(
    {
      bookingId: booking.id,
      date: booking.date,
      start: booking.start,
      end: booking.end,
      timeZone: booking.timeZone,
      summary: say.inviteSummary(topic, booking.studentName, booking.tutorName),
      description: say.inviteDescription(number, booking.centerName),
      location: where,
      organizer: { name: booking.centerName, email: options.organizerEmail },
      attendees,
      language: say.icsLanguage,
    },
    method,
    sequence,
    options.now,
  );
  return { filename: "invite.ics", content: base64Utf8(ics), contentType: `text/calendar; charset=utf-8; method=${method}` };
}

function studentMessage(booking: BookingMailFacts, kind: Exclude<MailKind, "reminder">, say: MailPhrases, attachment: Attachment): MailMessage {
  const { slot, topic } = particulars(booking, say);
  const reason = booking.cancelReason ? `\n${say.labels.reason}: ${booking.cancelReason}` : "";
  return {
    to: booking.studentEmail,
    subject: say.subject[kind](topic, booking.tutorName, slot),
    text: bookingMailText(booking, say, booking.studentName, [say.line[kind](booking.tutorName, reason)]),
    attachments: [attachment],
  };
}

/** The tutor's copy: staff and tutors read the center's English. */
function tutorMessage(booking: BookingMailFacts, kind: Exclude<MailKind, "reminder">, to: string, attachment: Attachment): MailMessage {
  const { slot, topic } = particulars(booking, MAIL_EN);
  const reason = booking.cancelReason ? `\nReason: ${booking.cancelReason}` : "";
  const line =
    kind === "confirmation"
      ? `${booking.studentName} booked a session with you (${topic}).`
      : kind === "update"
        ? `${booking.studentName}'s session with you (${topic}) has moved to the time below.`
        : `${booking.studentName}'s session with you is cancelled.${reason}`;
  return { to, subject: `${TUTOR_SUBJECT[kind]}: ${booking.studentName}, ${slot}`, text: bookingMailText(booking, MAIL_EN, booking.tutorName, [line]), attachments: [attachment] };
}
