-- Many centers in one deployment (docs/centers.md). The data that was here becomes the first
-- center, "main", in place: every new column defaults to it and every row keeps its key.
--
-- What a center owns carries its id: its catalog (tutors, subject aliases), its settings, hours and
-- closed dates, its staff and invites, its accounts and sign-in links. What a student owns does not:
-- an owner id names its center itself (lib/center/ids.ts), so chats, bookings, memory, the bell and
-- waitlist places are one center's by the owner that made them, and a booking's tutor is a center's.
CREATE TABLE `centers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	-- the host name students and staff reach it at (lower case, no port); null: the first center, which
	-- also answers every host no center claims
	`host` text,
	-- SHA-256 hex of the center's bot token (lib/center/ids.ts); null: the deployment's BOT_TOKEN (first center only)
	`bot_token_hash` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "centers_id_shape" CHECK(id GLOB '[a-z]*' AND length(id) BETWEEN 2 AND 30)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `centers_by_host` ON `centers` (`host`);
--> statement-breakpoint
CREATE UNIQUE INDEX `centers_by_bot_token` ON `centers` (`bot_token_hash`);
--> statement-breakpoint
INSERT INTO `centers` (`id`, `name`, `host`, `bot_token_hash`, `created_at`)
	SELECT 'main', `name`, NULL, NULL, `updated_at` FROM `center_settings` WHERE `id` = 1;
--> statement-breakpoint
-- The catalog version's triggers name center_settings: dropped while it is rebuilt, made again per center below.
DROP TRIGGER `catalog_version_on_subject_insert`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_subject_delete`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_subject_update`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_retire`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_rename`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_alias_insert`;
--> statement-breakpoint
DROP TRIGGER `catalog_version_on_alias_delete`;
--> statement-breakpoint
-- One settings row per center (the first keeps id 1), keyed by its center.
CREATE TABLE `center_settings_new` (
	`id` integer PRIMARY KEY NOT NULL,
	`center_id` text NOT NULL REFERENCES centers(id),
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
	`catalog_version` integer DEFAULT 0 NOT NULL,
	`reminder_hours` text DEFAULT '24,1' NOT NULL,
	`assistant_name` text DEFAULT 'Assistant' NOT NULL,
	`assistant_greeting` text DEFAULT 'Hi! I''m an automated tutoring assistant, not a person. I can find you a tutor by subject, day and time, and book the session.' NOT NULL,
	`assistant_tone` text DEFAULT 'friendly' NOT NULL,
	`assistant_reader` text DEFAULT 'off' NOT NULL CHECK (`assistant_reader` IN ('off', 'model')),
	`oidc_issuer` text,
	`oidc_client_id` text,
	`oidc_allowed_domains` text DEFAULT '' NOT NULL,
	`oidc_staff_claim` text,
	`oidc_staff_values` text DEFAULT '' NOT NULL,
	`oidc_admin_values` text DEFAULT '' NOT NULL,
	`oidc_label` text
);
--> statement-breakpoint
INSERT INTO `center_settings_new` (`id`, `center_id`, `name`, `time_zone`, `min_lead_minutes`, `horizon_days`, `weekly_cap`, `cancel_cutoff_hours`,
	`no_show_limit`, `no_show_window_days`, `updated_at`, `updated_by`, `catalog_version`, `reminder_hours`, `assistant_name`, `assistant_greeting`,
	`assistant_tone`, `assistant_reader`, `oidc_issuer`, `oidc_client_id`, `oidc_allowed_domains`, `oidc_staff_claim`, `oidc_staff_values`, `oidc_admin_values`, `oidc_label`)
	SELECT `id`, 'main', `name`, `time_zone`, `min_lead_minutes`, `horizon_days`, `weekly_cap`, `cancel_cutoff_hours`,
	`no_show_limit`, `no_show_window_days`, `updated_at`, `updated_by`, `catalog_version`, `reminder_hours`, `assistant_name`, `assistant_greeting`,
	`assistant_tone`, `assistant_reader`, `oidc_issuer`, `oidc_client_id`, `oidc_allowed_domains`, `oidc_staff_claim`, `oidc_staff_values`, `oidc_admin_values`, `oidc_label`
	FROM `center_settings`;
--> statement-breakpoint
DROP TABLE `center_settings`;
--> statement-breakpoint
ALTER TABLE `center_settings_new` RENAME TO `center_settings`;
--> statement-breakpoint
CREATE UNIQUE INDEX `center_settings_by_center` ON `center_settings` (`center_id`);
--> statement-breakpoint
CREATE TABLE `center_hours_new` (
	`center_id` text NOT NULL REFERENCES centers(id),
	`day` text NOT NULL,
	`open` text NOT NULL,
	`close` text NOT NULL,
	PRIMARY KEY(`center_id`, `day`)
);
--> statement-breakpoint
INSERT INTO `center_hours_new` (`center_id`, `day`, `open`, `close`) SELECT 'main', `day`, `open`, `close` FROM `center_hours`;
--> statement-breakpoint
DROP TABLE `center_hours`;
--> statement-breakpoint
ALTER TABLE `center_hours_new` RENAME TO `center_hours`;
--> statement-breakpoint
CREATE TABLE `center_closed_dates_new` (
	`center_id` text NOT NULL REFERENCES centers(id),
	`date` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`center_id`, `date`)
);
--> statement-breakpoint
INSERT INTO `center_closed_dates_new` (`center_id`, `date`, `reason`) SELECT 'main', `date`, `reason` FROM `center_closed_dates`;
--> statement-breakpoint
DROP TABLE `center_closed_dates`;
--> statement-breakpoint
ALTER TABLE `center_closed_dates_new` RENAME TO `center_closed_dates`;
--> statement-breakpoint
CREATE TABLE `subject_aliases_new` (
	`center_id` text NOT NULL REFERENCES centers(id),
	`alias_key` text NOT NULL,
	`alias` text NOT NULL,
	`subject` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`center_id`, `alias_key`)
);
--> statement-breakpoint
INSERT INTO `subject_aliases_new` (`center_id`, `alias_key`, `alias`, `subject`, `created_at`) SELECT 'main', `alias_key`, `alias`, `subject`, `created_at` FROM `subject_aliases`;
--> statement-breakpoint
DROP TABLE `subject_aliases`;
--> statement-breakpoint
ALTER TABLE `subject_aliases_new` RENAME TO `subject_aliases`;
--> statement-breakpoint
-- Tutors, staff, invites, accounts, sign-in links and claims: one center's each (an added column needs
-- no REFERENCES clause to be checked: lib/center/ids.ts's CenterId and the centers row are written first).
ALTER TABLE `tutors` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
CREATE INDEX `tutors_by_center` ON `tutors` (`center_id`, `retired_at`);
--> statement-breakpoint
ALTER TABLE `staff_members` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
DROP INDEX `staff_members_email`;
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_members_email` ON `staff_members` (`center_id`, `email`);
--> statement-breakpoint
ALTER TABLE `staff_invites` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
ALTER TABLE `accounts` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
DROP INDEX `accounts_by_email`;
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_by_email` ON `accounts` (`center_id`, `email`);
--> statement-breakpoint
ALTER TABLE `sign_in_links` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
ALTER TABLE `address_claims` ADD `center_id` text DEFAULT 'main' NOT NULL;
--> statement-breakpoint
-- The catalog version, per center: whatever writes a center's catalog moves that center's version.
CREATE TRIGGER `catalog_version_on_subject_insert` AFTER INSERT ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = (SELECT `center_id` FROM `tutors` WHERE `id` = NEW.`tutor_id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_subject_delete` AFTER DELETE ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = (SELECT `center_id` FROM `tutors` WHERE `id` = OLD.`tutor_id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_subject_update` AFTER UPDATE ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = (SELECT `center_id` FROM `tutors` WHERE `id` = NEW.`tutor_id`); END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_retire` AFTER UPDATE OF `retired_at` ON `tutors`
WHEN OLD.`retired_at` IS NOT NEW.`retired_at`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = NEW.`center_id`; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_rename` AFTER UPDATE OF `name` ON `tutors`
WHEN OLD.`name` IS NOT NEW.`name`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = NEW.`center_id`; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_alias_insert` AFTER INSERT ON `subject_aliases`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = NEW.`center_id`; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_alias_delete` AFTER DELETE ON `subject_aliases`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `center_id` = OLD.`center_id`; END;
