-- Issue 11, slice `mail`: a tutor's address for their copy of the confirmation (nullable, set on the
-- staff tutor form; a tutor without one is simply not emailed), and a booking's permanently
-- failed email, written only when the MailOutbox gives up, shown on the staff schedule.
ALTER TABLE `tutors` ADD `email` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `mail_error` text;
