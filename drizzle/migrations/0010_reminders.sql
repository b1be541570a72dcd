-- Issue 11, reminders slice: the per-student reminder opt-out (hand-written; drizzle's snapshot is regenerated on merge).
-- profiles.reminders_off: the student's choice, keyed by owner (set on My bookings).
ALTER TABLE `profiles` ADD `reminders_off` integer DEFAULT false NOT NULL;
--> statement-breakpoint
-- bookings.reminders_off: the choice as it was when the booking was made (the MailOutbox reads it).
ALTER TABLE `bookings` ADD `reminders_off` integer DEFAULT false NOT NULL;
