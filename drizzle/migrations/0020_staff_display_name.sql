-- The name a staff member signs their replies with in students' chats ("Sam · Tutoring center"),
-- set by the member on /staff/inbox (hand-written; drizzle's snapshot is regenerated on merge).
-- Null: the name is read from their email (lib/staff/author.ts).
ALTER TABLE `staff_members` ADD `display_name` text;
