import { z } from "../zod";
import { BookingId } from "../schemas";
import { BOOKING_REFERENCE_PATTERN, parseBookingReference } from "../ids";
import type { BookingRequest } from "../tutoring/turn-types";
import { StaffTutorId } from "./schemas";
import type { MailWithheld } from "../mail/recipients";

/**
 * The staff schedule (workers/staff/schedule.ts): every shape that crosses the
 * SIDECAR binding for it, and the rules both workers share.
 */

/** A staff note on a session stays short: what happened, what to do next time. */
export const MAX_TUTOR_NOTE_CHARS = 500;
/** The reason a cancel gives the student, shown in their chat. */
export const MAX_CANCEL_REASON_CHARS = 300;

/** A real calendar date, YYYY-MM-DD. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((date) => !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date), "not a calendar date");

/** A booking number as staff type it ("k7mq 2xpd", "K7MQ2XPD"), read as the stored "K7MQ-2XPD". */
export const BookingReference = z
  .string()
  .max(20)
  .transform((input) => parseBookingReference(input) ?? input)
  .pipe(z.string().regex(BOOKING_REFERENCE_PATTERN, "a booking number looks like K7MQ-2XPD"));

/**
 * Which week (any day in it; absent: this week at the center) and, optionally, one tutor; or one
 * booking by its number (`reference`): its week, with only that booking.
 */
export const ScheduleWeekQuery = z.object({ from: CalendarDate.optional(), tutorId: StaffTutorId.optional(), reference: BookingReference.optional() }).strict();
export type ScheduleWeekQuery = z.infer<typeof ScheduleWeekQuery>;

export const StaffCancel = z
  .object({ bookingId: BookingId, reason: z.string().trim().min(1, "say why: the student reads it").max(MAX_CANCEL_REASON_CHARS) })
  .strict();
export type StaffCancel = z.infer<typeof StaffCancel>;

export const Attendance = z.enum(["attended", "no_show"]);
export const StaffAttendance = z.object({ bookingId: BookingId, attendance: Attendance }).strict();
export type StaffAttendance = z.infer<typeof StaffAttendance>;

/** An empty note clears it. */
export const StaffNote = z.object({ bookingId: BookingId, note: z.string().trim().max(MAX_TUTOR_NOTE_CHARS) }).strict();
export type StaffNote = z.infer<typeof StaffNote>;

/**
 * One booking as the schedule shows it: the subject the student searched for
 * (empty for bookings made before it was kept) and their intake note ("Topic"
 * in the chat's review).
 */
export type ScheduleBooking = BookingRequest & {
  id: string;
  /** the booking number staff read out and search by ("K7MQ-2XPD"); null for a row written by hand */
  reference: string | null;
  tutorName: string;
  status: "confirmed" | "cancelled" | "ended";
  attendance: "attended" | "no_show" | null;
  tutorNote: string | null;
  cancelledBy: "student" | "staff" | null;
  lateCancel: boolean;
  cancelReason: string | null;
  /** Why an email about this booking was not delivered (the MailOutbox gave up); null while none failed. */
  mailError: string | null;
  /** The student's no-shows (by email) in the last `noShowWindowDays` days, today included. */
  noShows: number;
  noShowLimit: number;
  noShowWindowDays: number;
  /** noShows ≥ noShowLimit */
  flagged: boolean;
  /** The session's start has passed at the center: attendance can be marked. */
  started: boolean;
};

export type ScheduleWeek = {
  /** Monday and Sunday of the week, and today, at the center */
  from: string;
  to: string;
  today: string;
  timeZone: string;
  /** The tutor shown (a tutor-role member always sees only their own). */
  tutorId: string | null;
  /** Tutors to filter by. */
  tutors: { id: string; name: string }[];
  /** The booking number searched for: `bookings` holds only that booking (absent: the whole week). */
  reference?: string;
  bookings: ScheduleBooking[];
  /** What the viewer may do: staff and admins cancel; everyone in scope marks and notes. */
  canCancel: boolean;
};

/**
 * `studentEmailed`: the cancellation email to the student is queued (false: email is off, or it could not be queued);
 * `studentEmailWithheld`: why none goes to the student's address (its owner stopped our emails, or today's cap).
 */
export type StaffCancelled = { bookingId: string; status: "cancelled"; studentTold: boolean; studentEmailed: boolean; studentEmailWithheld?: MailWithheld };

/**
 * What the schedule offers on one booking. Attendance: once it has started, unless cancelled
 * (marking again corrects it). Cancel: staff and admins, a confirmed session that has not
 * started and has no attendance (the sidecar refuses a started one all the same; attendance
 * means it happened).
 */
export function scheduleActions(
  booking: Pick<ScheduleBooking, "status" | "started" | "attendance">,
  canCancel: boolean,
): { markAttendance: boolean; cancel: boolean } {
  return {
    markAttendance: booking.started && booking.status !== "cancelled",
    cancel: canCancel && booking.status === "confirmed" && !booking.started && booking.attendance === null,
  };
}
