-- Issue 9, persona slice: the assistant's display name, greeting and tone as the center's settings
-- (hand-written; drizzle's snapshot is regenerated on merge). The defaults are today's wording, so
-- nothing a student sees changes until an admin edits them on /staff/settings.
ALTER TABLE `center_settings` ADD `assistant_name` text DEFAULT 'Assistant' NOT NULL;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `assistant_greeting` text DEFAULT 'Hi! I''m an automated tutoring assistant, not a person. I can find you a tutor by subject, day and time, and book the session.' NOT NULL;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `assistant_tone` text DEFAULT 'friendly' NOT NULL;
