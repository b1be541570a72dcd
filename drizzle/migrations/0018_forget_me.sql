-- "Forget me" (hand-written; drizzle's snapshot is regenerated on merge).
-- forgotten_owners: the SHA-256 of every owner id whose student asked to be forgotten, so that id is
-- refused from then on (no new chat, no preferences, no memory) while the id itself is kept nowhere.
CREATE TABLE `forgotten_owners` (
	`owner_hash` text PRIMARY KEY NOT NULL,
	`forgotten_at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
-- waitlist_joins: which slots' Waitlist objects an owner has an entry in (a line lives in its slot's
-- object, named tutor:date:start), so Forget me can find them. One row per owner and slot, written by
-- the first join of that slot; nothing reads it on any other path.
CREATE TABLE `waitlist_joins` (
	`owner_id` text NOT NULL,
	`tutor_id` text NOT NULL,
	`date` text NOT NULL,
	`start` text NOT NULL,
	PRIMARY KEY(`owner_id`, `tutor_id`, `date`, `start`)
) WITHOUT ROWID;
