import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * D1 tables. Operators query `chats` and `profiles` by these names: keep them.
 * Every query that runs in production has an index chosen for it below.
 */

export const tutors = sqliteTable("tutors", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  bio: text("bio").notNull(),
  /** online | in_person | both */
  mode: text("mode", { enum: ["online", "in_person", "both"] }).notNull(),
});

/** One row per (tutor, subject); search by skill is an index lookup on `subject_key`. */
export const tutorSubjects = sqliteTable(
  "tutor_subjects",
  {
    tutorId: text("tutor_id")
      .notNull()
      .references(() => tutors.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    /** lower-case subject, the lookup key */
    subjectKey: text("subject_key").notNull(),
  },
  (table) => [primaryKey({ columns: [table.tutorId, table.subjectKey] }), index("tutor_subjects_by_key").on(table.subjectKey)],
);

export const tutorAvailability = sqliteTable(
  "tutor_availability",
  {
    tutorId: text("tutor_id")
      .notNull()
      .references(() => tutors.id, { onDelete: "cascade" }),
    /** sunday..saturday */
    day: text("day").notNull(),
    /** HH:MM, 24-hour */
    start: text("start").notNull(),
    end: text("end").notNull(),
  },
  (table) => [primaryKey({ columns: [table.tutorId, table.day, table.start] })],
);

export const profiles = sqliteTable("profiles", {
  ownerId: text("owner_id").primaryKey(),
  /** free: 30-day restore window, pro: 90, premium: 365 */
  tier: text("tier", { enum: ["free", "pro", "premium"] }).notNull().default("free"),
});

export const chats = sqliteTable(
  "chats",
  {
    /** the chat session id */
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    title: text("title").notNull().default("New chat"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    /** epoch ms of the soft delete; null while the chat is live */
    deletedAt: integer("deleted_at"),
  },
  (table) => [
    index("chats_by_owner").on(table.ownerId, table.deleted, table.updatedAt),
    index("chats_trash").on(table.deleted, table.deletedAt),
  ],
);

export const bookings = sqliteTable(
  "bookings",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull(),
    ownerId: text("owner_id").notNull(),
    tutorId: text("tutor_id")
      .notNull()
      .references(() => tutors.id),
    /** YYYY-MM-DD */
    date: text("date").notNull(),
    start: text("start").notNull(),
    end: text("end").notNull(),
    studentName: text("student_name").notNull(),
    studentEmail: text("student_email").notNull(),
    mode: text("mode", { enum: ["online", "in_person"] }).notNull(),
    intake: text("intake").notNull().default(""),
    meetingLink: text("meeting_link"),
    status: text("status", { enum: ["confirmed", "cancelled", "ended"] }).notNull().default("confirmed"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    // The double-booking guard: one confirmed booking per tutor slot, enforced by SQLite, not by a read.
    uniqueIndex("bookings_one_per_slot")
      .on(table.tutorId, table.date, table.start)
      .where(sql`status = 'confirmed'`),
    index("bookings_by_owner").on(table.ownerId, table.createdAt),
    // The upcoming-bookings cap counts by owner OR email: each side of the OR gets an index.
    index("bookings_by_email").on(table.studentEmail, table.date).where(sql`status = 'confirmed'`),
  ],
);

/** "Leave a message for the tutoring center": requests the assistant could not handle. */
export const staffMessages = sqliteTable(
  "staff_messages",
  {
    id: text("id").primaryKey(),
    sessionId: text("session_id").notNull(),
    ownerId: text("owner_id").notNull(),
    note: text("note").notNull(),
    /** JSON array of { role, content } */
    transcript: text("transcript").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("staff_messages_by_time").on(table.createdAt)],
);

/** Chats deleted from D1 whose Durable Object could not be emptied yet: retried by the next weekly run. */
export const chatCleanupFailures = sqliteTable("chat_cleanup_failures", {
  chatId: text("chat_id").primaryKey(),
  attempts: integer("attempts").notNull().default(1),
  lastError: text("last_error").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
