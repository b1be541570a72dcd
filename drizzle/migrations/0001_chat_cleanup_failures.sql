CREATE TABLE `chat_cleanup_failures` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`last_error` text NOT NULL,
	`updated_at` integer NOT NULL
);
