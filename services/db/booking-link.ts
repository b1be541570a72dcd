/** D1 reads for the booking link's move (services/booking-link-move.ts). */

/** The tutor a booking is with now (one row, by key): the link's move keeps that tutor. */
export async function bookingTutorId(db: D1Database, { bookingId }: { bookingId: string }): Promise<string | null> {
  const row = await db.prepare("SELECT tutor_id AS tutorId FROM bookings WHERE id = ?1").bind(bookingId).first<{ tutorId: string }>();
  return row?.tutorId ?? null;
}
