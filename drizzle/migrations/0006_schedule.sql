-- The staff schedule's no-show flag counts a student's no-shows in a window of days: a partial index
-- holds only the no-show rows (a handful), so each booking's count is a short index search, not a scan.
CREATE INDEX `bookings_no_shows` ON `bookings` (`student_email`,`date`) WHERE attendance = 'no_show';
