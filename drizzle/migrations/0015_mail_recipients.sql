-- Mail to people who never asked for it is stoppable and bounded (hand-written; drizzle's snapshot is regenerated on merge).
-- One row per address a booking email went to (lower case): "stop these emails" sets suppressed_at; a student's
-- address not confirmed by its owner (verified = 0, all of them until student accounts) gets at most 5 emails a
-- UTC day, counted in (day, sent_today) by one upsert per email (workers/db/mail-recipients.ts).
CREATE TABLE `mail_recipients` (
	`address` text PRIMARY KEY NOT NULL,
	`verified` integer DEFAULT false NOT NULL,
	`suppressed_at` integer,
	`day` text DEFAULT '' NOT NULL,
	`sent_today` integer DEFAULT 0 NOT NULL
);
