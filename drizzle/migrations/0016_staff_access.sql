-- Taking staff access away (docs/architecture.md, "Staff sign-in", "Members and invites"). No new index:
-- every statement that uses these columns is an admin's rare action over the small staff tables, and an
-- index would add a row written to every sign-in.
-- An invite an admin revoked, or that a newer invite to the same address replaced: its link opens nothing.
ALTER TABLE `staff_invites` ADD `revoked_at` integer;--> statement-breakpoint
-- A new passkey link for an existing member: registers a passkey for that member, whose role stays as it is.
-- Null for an invite that creates a member (refused at registration if the address already is one).
ALTER TABLE `staff_invites` ADD `member_id` text REFERENCES staff_members(id);--> statement-breakpoint
-- The passkey that opened the session (null for sessions opened before this column): removing the passkey ends them.
ALTER TABLE `staff_sessions` ADD `credential_id` text;
