-- The center's own names for its subjects ("MATH 151" → Calculus I), added by staff in the tutor
-- editor and read by the assistant with the subject list. `alias_key` (lower case, single-spaced, no
-- accents) is the primary key: one alias names one subject across the whole catalog.
CREATE TABLE `subject_aliases` (
	`alias_key` text PRIMARY KEY NOT NULL,
	`alias` text NOT NULL,
	`subject` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
-- An alias added or removed moves the catalog version, so every isolate reads the aliases again.
CREATE TRIGGER `catalog_version_on_alias_insert` AFTER INSERT ON `subject_aliases`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_alias_delete` AFTER DELETE ON `subject_aliases`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;
