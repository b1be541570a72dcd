ALTER TABLE `center_settings` ADD `catalog_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Whatever writes the catalog (the seed, the staff console, a hand-written statement) moves the version.
CREATE TRIGGER `catalog_version_on_subject_insert` AFTER INSERT ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_subject_delete` AFTER DELETE ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_subject_update` AFTER UPDATE ON `tutor_subjects`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `catalog_version_on_retire` AFTER UPDATE OF `retired_at` ON `tutors`
WHEN OLD.`retired_at` IS NOT NEW.`retired_at`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;
