CREATE TABLE `center_closed_dates` (
	`date` text PRIMARY KEY NOT NULL,
	`reason` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `center_hours` (
	`day` text PRIMARY KEY NOT NULL,
	`open` text NOT NULL,
	`close` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `center_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`time_zone` text NOT NULL,
	`min_lead_minutes` integer NOT NULL,
	`horizon_days` integer NOT NULL,
	`weekly_cap` integer,
	`cancel_cutoff_hours` integer NOT NULL,
	`no_show_limit` integer NOT NULL,
	`no_show_window_days` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	CONSTRAINT "center_settings_one_row" CHECK(id = 1)
);
--> statement-breakpoint
ALTER TABLE `bookings` ADD `cancelled_by` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `late_cancel` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `bookings` ADD `cancel_reason` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `attendance` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `tutor_note` text;--> statement-breakpoint
CREATE INDEX `bookings_by_date` ON `bookings` (`date`,`tutor_id`,`start`);--> statement-breakpoint
ALTER TABLE `staff_invites` ADD `tutor_id` text;--> statement-breakpoint
ALTER TABLE `staff_members` ADD `tutor_id` text REFERENCES tutors(id);--> statement-breakpoint
ALTER TABLE `tutors` ADD `retired_at` integer;--> statement-breakpoint
ALTER TABLE `tutors` ADD `updated_at` integer;--> statement-breakpoint
-- The one settings row, with defaults that keep today's behaviour: no lead time, 90 days ahead, no weekly cap.
INSERT INTO `center_settings` (`id`, `name`, `time_zone`, `min_lead_minutes`, `horizon_days`, `weekly_cap`, `cancel_cutoff_hours`, `no_show_limit`, `no_show_window_days`, `updated_at`)
VALUES (1, 'Tutoring Center', 'America/Los_Angeles', 0, 90, NULL, 24, 3, 30, 0);--> statement-breakpoint
-- Open every day 08:00-22:00, which holds every seeded tutor's hours.
INSERT INTO `center_hours` (`day`, `open`, `close`) VALUES
  ('sunday', '08:00', '22:00'), ('monday', '08:00', '22:00'), ('tuesday', '08:00', '22:00'), ('wednesday', '08:00', '22:00'),
  ('thursday', '08:00', '22:00'), ('friday', '08:00', '22:00'), ('saturday', '08:00', '22:00');
