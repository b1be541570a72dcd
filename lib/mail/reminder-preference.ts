import { z } from "../zod";

/** The student's reminder on/off (/api/bookings/reminders ⇄ the sidecar); the preferences page saves it with the rest (lib/notifications/schemas.ts). */
export const ReminderPreference = z.object({ remindersOff: z.boolean() }).strict();
export type ReminderPreference = z.infer<typeof ReminderPreference>;
