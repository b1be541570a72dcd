-- The language the booking was made in (the chat's, lib/tutoring/language.ts): its emails, reminders
-- and the notices about it later are said in it. Existing bookings were all made in English.
ALTER TABLE `bookings` ADD `language` text DEFAULT 'en' NOT NULL;
