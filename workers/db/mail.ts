/** D1 queries for booking emails (durable-objects/mail-outbox.ts). */

export interface BookingForMail {
  id: string;
  date: string;
  start: string;
  end: string;
  studentName: string;
  studentEmail: string;
  mode: "online" | "in_person";
  subject: string;
  status: "confirmed" | "cancelled" | "ended";
  cancelReason: string | null;
  tutorName: string;
  /** null: the tutor has no address on file and gets no copy (tutors.email, migration 0009) */
  tutorEmail: string | null;
  centerName: string;
  timeZone: string;
}

/** One booking with its tutor and the center's name and zone: one statement, every join by primary key. */
export async function bookingForMail(db: D1Database, { bookingId }: { bookingId: string }): Promise<BookingForMail | null> {
  return db
    .prepare(
      `SELECT b.id, b.date, b.start, b."end" AS "end", b.student_name AS studentName, b.student_email AS studentEmail, b.mode,
              b.subject, b.status, b.cancel_reason AS cancelReason, t.name AS tutorName, t.email AS tutorEmail,
              COALESCE(s.name, 'The tutoring center') AS centerName, COALESCE(s.time_zone, 'America/Los_Angeles') AS timeZone
       FROM bookings b JOIN tutors t ON t.id = b.tutor_id LEFT JOIN center_settings s ON s.id = 1
       WHERE b.id = ?1`,
    )
    .bind(bookingId)
    .first<BookingForMail>();
}

/** An email about the booking could not be delivered: staff see why on the schedule. One row, by key. */
export async function recordMailFailure(db: D1Database, { bookingId, error }: { bookingId: string; error: string }): Promise<void> {
  await db.prepare("UPDATE bookings SET mail_error = ?2 WHERE id = ?1").bind(bookingId, error.slice(0, 500)).run();
}
