import { z } from "../zod";

/** The student's reminder choice (My bookings ⇄ /api/bookings/reminders ⇄ the sidecar). */
export const ReminderPreference = z.object({ remindersOff: z.boolean() }).strict();
export type ReminderPreference = z.infer<typeof ReminderPreference>;
