import { centerOfOwner } from "../../lib/center/ids";
import type { NotificationPreferences, NotificationPreferencesInput } from "../../lib/notifications/schemas";
import { parseReminderHours } from "../../lib/mail/reminders";

/**
 * D1 queries for the student's email preferences (/notifications/preferences): kept in `profiles`
 * by owner (migration 0013), beside `reminders_off` (0010). The MailOutbox reads them with the
 * booking in its one statement (services/db/mail.ts `bookingForMail`).
 */

/** The student's choices against their center's reminder times: one statement (the settings row, the profile by key). */
export async function readNotificationPreferences(db: D1Database, { ownerId }: { ownerId: string }): Promise<NotificationPreferences> {
  const row = await db
    .prepare(
      `SELECT s.reminder_hours AS hours, COALESCE(p.reminders_off, 0) AS remindersOff, COALESCE(p.change_emails_off, 0) AS changeEmailsOff,
              COALESCE(p.reminder_hours_off, '') AS hoursOff
       FROM center_settings s LEFT JOIN profiles p ON p.owner_id = ?1 WHERE s.center_id = ?2`,
    )
    .bind(ownerId, centerOfOwner(ownerId))
    .first<{ hours: string; remindersOff: number; changeEmailsOff: number; hoursOff: string }>();
  const off = new Set(parseReminderHours(row?.hoursOff));
  return {
    changeEmails: row?.changeEmailsOff !== 1,
    reminders: row?.remindersOff !== 1,
    reminderHours: parseReminderHours(row?.hours ?? "24,1").map((hours) => ({ hours, on: !off.has(hours) })),
  };
}

/** Saves the three choices in one upsert: one row written. */
export async function saveNotificationPreferences(db: D1Database, { ownerId, preferences }: { ownerId: string; preferences: NotificationPreferencesInput }): Promise<void> {
  await db
    .prepare(
      `INSERT INTO profiles (owner_id, reminders_off, change_emails_off, reminder_hours_off) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (owner_id) DO UPDATE SET reminders_off = excluded.reminders_off, change_emails_off = excluded.change_emails_off,
         reminder_hours_off = excluded.reminder_hours_off`,
    )
    .bind(ownerId, preferences.reminders ? 0 : 1, preferences.changeEmails ? 0 : 1, [...preferences.reminderHoursOff].sort((a, b) => b - a).join(","))
    .run();
}
