CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`tutor_id` text NOT NULL,
	`date` text NOT NULL,
	`start` text NOT NULL,
	`end` text NOT NULL,
	`student_name` text NOT NULL,
	`student_email` text NOT NULL,
	`mode` text NOT NULL,
	`intake` text DEFAULT '' NOT NULL,
	`meeting_link` text,
	`status` text DEFAULT 'confirmed' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tutor_id`) REFERENCES `tutors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_per_slot` ON `bookings` (`tutor_id`,`date`,`start`) WHERE status = 'confirmed';--> statement-breakpoint
CREATE INDEX `bookings_by_owner` ON `bookings` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `chats` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`title` text DEFAULT 'New chat' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `chats_by_owner` ON `chats` (`owner_id`,`deleted`,`updated_at`);--> statement-breakpoint
CREATE INDEX `chats_trash` ON `chats` (`deleted`,`deleted_at`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`owner_id` text PRIMARY KEY NOT NULL,
	`tier` text DEFAULT 'free' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`note` text NOT NULL,
	`transcript` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `staff_messages_by_time` ON `staff_messages` (`created_at`);--> statement-breakpoint
CREATE TABLE `tutor_availability` (
	`tutor_id` text NOT NULL,
	`day` text NOT NULL,
	`start` text NOT NULL,
	`end` text NOT NULL,
	PRIMARY KEY(`tutor_id`, `day`, `start`),
	FOREIGN KEY (`tutor_id`) REFERENCES `tutors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `tutor_subjects` (
	`tutor_id` text NOT NULL,
	`subject` text NOT NULL,
	`subject_key` text NOT NULL,
	PRIMARY KEY(`tutor_id`, `subject_key`),
	FOREIGN KEY (`tutor_id`) REFERENCES `tutors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tutor_subjects_by_key` ON `tutor_subjects` (`subject_key`);--> statement-breakpoint
CREATE TABLE `tutors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`bio` text NOT NULL,
	`mode` text NOT NULL
);
