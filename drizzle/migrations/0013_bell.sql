-- Issue 11, bell slice: notification preferences and the center's reminder times (hand-written; drizzle's snapshot is regenerated on merge).
-- profiles.change_emails_off: the student wants no confirmation or cancellation emails (the tutor still gets theirs).
ALTER TABLE `profiles` ADD `change_emails_off` integer DEFAULT false NOT NULL;
--> statement-breakpoint
-- profiles.reminder_hours_off: the center's reminder offsets this student turned off, e.g. '1' ('' = none off).
ALTER TABLE `profiles` ADD `reminder_hours_off` text DEFAULT '' NOT NULL;
--> statement-breakpoint
-- center_settings.reminder_hours: hours before a session at which students are reminded, largest first ('' = no reminders).
ALTER TABLE `center_settings` ADD `reminder_hours` text DEFAULT '24,1' NOT NULL;
