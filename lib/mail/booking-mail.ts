import { slotText } from "../tutoring/phrasing";
import { weekdayOf } from "../calendar";
import { bookingInvite } from "./invite";
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
 */
export function bookingMessages(
  booking: BookingMailFacts,
  kind: Exclude<MailKind, "reminder">,
  sequence: number,
  options: { organizerEmail: string; now: Date },
): { role: MailRole; message: MailMessage }[] {
  const slot = slotText({ day: weekdayOf(booking.date), date: booking.date, start: booking.start, end: booking.end });
  const topic = booking.subject ? `${booking.subject} tutoring` : "Tutoring";
  const where = booking.mode === "online" ? "Online" : `In person at ${booking.centerName}`;
  const number = bookingNumber(booking);
  const attendees = [{ name: booking.studentName, email: booking.studentEmail }, ...(booking.tutorEmail ? [{ name: booking.tutorName, email: booking.tutorEmail }] : [])];
  const ics = bookingInvite(
    {
      bookingId: booking.id,
      date: booking.date,
      start: booking.start,
      end: booking.end,
      timeZone: booking.timeZone,
      summary: `${topic}: ${booking.studentName} with ${booking.tutorName}`,
      description: `Booking ${number} at ${booking.centerName}.`,
      location: where,
      organizer: { name: booking.centerName, email: options.organizerEmail },
      attendees,
    },
    kind === "cancellation" ? "CANCEL" : "REQUEST",
    sequence,
    options.now,
  );
  const method = kind === "cancellation" ? "CANCEL" : "REQUEST";
  const attachment = { filename: "invite.ics", content: base64Utf8(ics), contentType: `text/calendar; charset=utf-8; method=${method}` };
  const when = `${slot} (${booking.timeZone})`;
  const reason = booking.cancelReason ? `\nReason: ${booking.cancelReason}` : "";
  const text = (greeting: string, line: string) =>
    [`Hello ${greeting},`, "", line, "", `When: ${when}`, `Where: ${where}`, `Booking number: ${number}`, "", `— ${booking.centerName}`].join("\n");
  const student: MailMessage =
    kind === "update"
      ? {
          to: booking.studentEmail,
          subject: `Moved: ${topic} with ${booking.tutorName}, now ${slot}`,
          text: text(booking.studentName, `Your session with ${booking.tutorName} has moved to the time below. The attached update changes it in your calendar.`),
          attachments: [attachment],
        }
      : kind === "confirmation"
      ? {
          to: booking.studentEmail,
          subject: `Booked: ${topic} with ${booking.tutorName}, ${slot}`,
          text: text(booking.studentName, `Your session with ${booking.tutorName} is booked. The attached invite adds it to your calendar.`),
          attachments: [attachment],
        }
      : {
          to: booking.studentEmail,
          subject: `Cancelled: ${topic} with ${booking.tutorName}, ${slot}`,
          text: text(booking.studentName, `Your session with ${booking.tutorName} is cancelled.${reason} The attached update removes it from your calendar.`),
          attachments: [attachment],
        };
  const messages: { role: MailRole; message: MailMessage }[] = [{ role: "student", message: student }];
  if (booking.tutorEmail) {
    messages.push({
      role: "tutor",
      message: {
        to: booking.tutorEmail,
        subject: `${TUTOR_SUBJECT[kind]}: ${booking.studentName}, ${slot}`,
        text: text(
          booking.tutorName,
          kind === "confirmation"
            ? `${booking.studentName} booked a session with you (${topic}).`
            : kind === "update"
              ? `${booking.studentName}'s session with you (${topic}) has moved to the time below.`
              : `${booking.studentName}'s session with you is cancelled.${reason}`,
        ),
        attachments: [attachment],
      },
    });
  }
  return messages;
}
