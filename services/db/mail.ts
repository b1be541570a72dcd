import type { BookingMailFacts } from "../../lib/mail/booking-mail";

/** D1 queries for booking emails (durable-objects/mail-outbox.ts). */

/** What an email about the booking says (lib/mail/booking-mail.ts), and what decides whether to send it. */
export interface BookingForMail extends BookingMailFacts {
  status: "confirmed" | "cancelled" | "ended";
  /** 1: the student had turned reminders off when booking (migration 0010) */
  remindersOff: number;
  /** the student (their bell is told when a reminder goes out) */
  ownerId: string;
  /** 1: the student wants no confirmation or cancellation emails now (profiles, migration 0013) */
  changeEmailsOff: number;
  /** the center's reminder offsets, "24,1" (center_settings.reminder_hours) */
  reminderHours: string;
  /** the offsets the student turned off, "1" or "" (profiles.reminder_hours_off) */
  reminderHoursOff: string;
}

/**
 * One booking with its tutor, the center's name, zone and reminder times, and the student's email
 * preferences as they are now: one statement, every join by primary key. The subject is read back
 * through the tutor's own subjects (the catalog's spelling, or none): no text a client wrote into a
 * booking row, even one made before the booking stored only the catalog's subject, reaches an email.
 */
export async function bookingForMail(db: D1Database, { bookingId }: { bookingId: string }): Promise<BookingForMail | null> {
  return db
    .prepare(
      `SELECT b.id, b.reference, b.date, b.start, b."end" AS "end", b.student_name AS studentName, b.student_email AS studentEmail, b.mode,
              COALESCE(ts.subject, '') AS subject, b.status, b.cancel_reason AS cancelReason, b.reminders_off AS remindersOff, b.owner_id AS ownerId, b.language, t.name AS tutorName, t.email AS tutorEmail,
              COALESCE(s.name, 'The tutoring center') AS centerName, COALESCE(s.time_zone, 'America/Los_Angeles') AS timeZone,
              COALESCE(s.reminder_hours, '24,1') AS reminderHours, COALESCE(p.change_emails_off, 0) AS changeEmailsOff,
              COALESCE(p.reminder_hours_off, '') AS reminderHoursOff
       FROM bookings b JOIN tutors t ON t.id = b.tutor_id LEFT JOIN center_settings s ON s.center_id = t.center_id LEFT JOIN profiles p ON p.owner_id = b.owner_id
            LEFT JOIN tutor_subjects ts ON ts.tutor_id = b.tutor_id AND ts.subject = b.subject
       WHERE b.id = ?1`,
    )
    .bind(bookingId)
    .first<BookingForMail>();
}

/** An email about the booking could not be delivered: staff see why on the schedule. One row, by key. */
export async function recordMailFailure(db: D1Database, { bookingId, error }: { bookingId: string; error: string }): Promise<void> {
  await db.prepare("UPDATE bookings SET mail_error = ?2 WHERE id = ?1").bind(bookingId, error.slice(0, 500)).run();
}
