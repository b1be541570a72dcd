-- A tutor's name is part of what the assistant recognises ("can I get Maya again"): a rename moves the
-- catalog version like any change to who teaches what, so every isolate reads the names again.
CREATE TRIGGER `catalog_version_on_rename` AFTER UPDATE OF `name` ON `tutors`
WHEN OLD.`name` IS NOT NEW.`name`
BEGIN UPDATE `center_settings` SET `catalog_version` = `catalog_version` + 1 WHERE `id` = 1; END;
