import { BookingReference, CalendarDate } from "@/lib/staff/schedule";
import { StaffTutorId } from "@/lib/staff/schemas";
import { z } from "@/lib/zod";

/** `?from=YYYY-MM-DD` (any day of the week; absent: this week) and `&tutor=t-001`, or `?ref=K7MQ-2XPD` (one booking, in its week). */
export const ScheduleQuery = z.object({ from: CalendarDate.optional(), tutor: StaffTutorId.optional(), ref: BookingReference.optional() }).strict();
