-- Student accounts (services/accounts.ts, docs/accounts.md). An account is a verified address and the
-- owner id every per-owner store already keys by (chats, bookings, memory, the bell, the profile):
-- a device signed in to it acts as that owner. Tokens and session ids are random; sign-in links are
-- kept only as the SHA-256 hex of the link's token.
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_by_email` ON `accounts` (`email`);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_by_owner` ON `accounts` (`owner_id`);
--> statement-breakpoint
-- One row per signed-in device: what the account page lists and "sign out everywhere" ends.
CREATE TABLE `account_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`device` text NOT NULL,
	`via` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`signed_out_at` integer
);
--> statement-breakpoint
CREATE INDEX `account_sessions_by_account` ON `account_sessions` (`account_id`, `signed_out_at`);
--> statement-breakpoint
-- Email sign-in links: one use, 15 minutes. `claims` is the JSON array of anonymous owner ids whose
-- bookings with this address the email listed: redeeming the link brings them into the account.
CREATE TABLE `sign_in_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`claims` text NOT NULL DEFAULT '[]',
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `sign_in_links_by_expiry` ON `sign_in_links` (`expires_at`);
--> statement-breakpoint
-- The "confirm this is you" email goes at most once a day per address.
CREATE INDEX `sign_in_links_by_address` ON `sign_in_links` (`address`, `created_at`);
--> statement-breakpoint
-- An anonymous owner booked with an address nobody has confirmed: the next sign-in email to that
-- address names the booking and, once its link is used, brings the owner's data into the account.
CREATE TABLE `address_claims` (
	`address` text NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`address`, `owner_id`)
);
--> statement-breakpoint
-- Owners whose data is being moved into an account: written with the session, deleted when every
-- store has moved; a merge a failure left half done is finished by the next sign-in or the cron.
CREATE TABLE `owner_merges` (
	`from_owner` text PRIMARY KEY NOT NULL,
	`to_owner` text NOT NULL,
	`started_at` integer NOT NULL
);
