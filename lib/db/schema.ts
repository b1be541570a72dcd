import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * D1 tables. Operators query `chats` and `profiles` by these names: keep them.
 * Every query that runs in production has an index chosen for it below.
 */

/**
 * The centers this deployment serves (migration 0028, docs/centers.md). The first, "main", is the
 * data that was here before; it also answers every host no center claims.
 */
export const centers = sqliteTable(
  "centers",
  {
    /** lower case, 2 to 30 characters (lib/center/ids.ts CenterId); part of every owner id made there */
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** the host name it is reached at, lower case, no port; null: the first center */
    host: text("host"),
    /** SHA-256 hex of its bot token; null: the deployment's BOT_TOKEN (the first center only) */
    botTokenHash: text("bot_token_hash"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [uniqueIndex("centers_by_host").on(table.host), uniqueIndex("centers_by_bot_token").on(table.botTokenHash), check("centers_id_shape", sql`id GLOB '[a-z]*' AND length(id) BETWEEN 2 AND 30`)],
);

export const tutors = sqliteTable("tutors", {
  id: text("id").primaryKey(),
  /** the center whose catalog lists the tutor (migration 0028) */
  centerId: text("center_id").notNull().default("main"),
  name: text("name").notNull(),
  bio: text("bio").notNull(),
  /** online | in_person | both */
  mode: text("mode", { enum: ["online", "in_person", "both"] }).notNull(),
  /** epoch ms; a retired tutor is never matched again, and their future bookings are listed for rebooking */
  retiredAt: integer("retired_at"),
  /** epoch ms of the last staff edit; null for seeded rows never edited */
  updatedAt: integer("updated_at"),
  /** where their copy of a booking's confirmation goes; null: the tutor is not emailed (migration 0009) */
  email: text("email"),
}, (table) => [index("tutors_by_center").on(table.centerId, table.retiredAt)]);

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

/** The center's own names for its subjects ("MATH 151" → Calculus I), edited by staff; inserts and deletes move the catalog version (migration 0023). */
export const subjectAliases = sqliteTable(
  "subject_aliases",
  {
    centerId: text("center_id").notNull(),
    /** lower case, single-spaced, no accents: one alias names one subject in its center */
    aliasKey: text("alias_key").notNull(),
    /** as staff typed it */
    alias: text("alias").notNull(),
    /** the catalog's spelling of the subject it names */
    subject: text("subject").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.centerId, table.aliasKey] })],
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
  /** the student turned session reminders off (My bookings); each booking copies it when made */
  remindersOff: integer("reminders_off", { mode: "boolean" }).notNull().default(false),
  /** moved by the owner's StudentMemory on every change; a chat's stored copy of the memory is current while it matches */
  memoryVersion: integer("memory_version").notNull().default(0),
  /** epoch ms of the student's last "Forget me"; facts from exchanges begun before it are refused (migration 0012) */
  memoryForgottenAt: integer("memory_forgotten_at"),
  /** no confirmation or cancellation emails to the student (/notifications/preferences; migration 0013); read when each is queued */
  changeEmailsOff: integer("change_emails_off", { mode: "boolean" }).notNull().default(false),
  /** the center's reminder offsets (hours) the student turned off, comma-separated ("1"); "" = none */
  reminderHoursOff: text("reminder_hours_off").notNull().default(""),
});

/**
 * The addresses booking emails go to (migration 0015): whether its owner stopped them ("this wasn't me /
 * stop these emails", the link in every email), whether its owner confirmed it, and today's count for
 * the daily cap on unconfirmed addresses (lib/mail/recipients.ts). A row appears with the first email.
 */
export const mailRecipients = sqliteTable("mail_recipients", {
  /** the address, lower case */
  address: text("address").primaryKey(),
  /** its owner confirmed it (student accounts, later): no daily cap. Nothing sets it yet. */
  verified: integer("verified", { mode: "boolean" }).notNull().default(false),
  /** epoch ms of "stop these emails": nothing more is sent to it */
  suppressedAt: integer("suppressed_at"),
  /** the UTC date (YYYY-MM-DD) `sentToday` counts */
  day: text("day").notNull().default(""),
  /** emails counted to it on `day` */
  sentToday: integer("sent_today").notNull().default(0),
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
    /** the short reference people read out and type ("K7MQ-2XPD", lib/ids.ts); null only for rows written by hand (migration 0022) */
    reference: text("reference"),
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
    /** the subject the student searched for ("Python"); empty for bookings made before it was kept */
    subject: text("subject").notNull().default(""),
    meetingLink: text("meeting_link"),
    status: text("status", { enum: ["confirmed", "cancelled", "ended"] }).notNull().default("confirmed"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** who cancelled: the student (chat, bookings page) or the center's staff; null while not cancelled */
    cancelledBy: text("cancelled_by", { enum: ["student", "staff"] }),
    /** a cancel after the center's cutoff (center_settings.cancel_cutoff_hours) counts as late */
    lateCancel: integer("late_cancel", { mode: "boolean" }).notNull().default(false),
    /** staff's reason for a cancel, shown to the student */
    cancelReason: text("cancel_reason"),
    /** marked by staff or the tutor once the session's time has come; null until then */
    attendance: text("attendance", { enum: ["attended", "no_show"] }),
    /** the tutor's short note on the session (staff-only) */
    tutorNote: text("tutor_note"),
    /** why an email about this booking could not be delivered (the MailOutbox gave up); null while none failed */
    mailError: text("mail_error"),
    /** the student's reminder opt-out (profiles.reminders_off) when the booking was made: no reminders are queued */
    remindersOff: integer("reminders_off", { mode: "boolean" }).notNull().default(false),
    /** the language the booking was made in (the chat's): its emails and notices are said in it (migration 0025) */
    language: text("language", { enum: ["en", "es"] }).notNull().default("en"),
  },
  (table) => [
    // The double-booking guard: one confirmed booking per tutor slot, enforced by SQLite, not by a read.
    uniqueIndex("bookings_one_per_slot")
      .on(table.tutorId, table.date, table.start)
      .where(sql`status = 'confirmed'`),
    index("bookings_by_owner").on(table.ownerId, table.createdAt),
    // The upcoming-bookings cap counts by owner OR email: each side of the OR gets an index.
    index("bookings_by_email").on(table.studentEmail, table.date).where(sql`status = 'confirmed'`),
    // The staff schedule: a day or a week, all tutors or one.
    index("bookings_by_date").on(table.date, table.tutorId, table.start),
    // The schedule's no-show flag: a student's no-shows in the last N days (only no-show rows are indexed).
    index("bookings_no_shows").on(table.studentEmail, table.date).where(sql`attendance = 'no_show'`),
    // One booking per reference: staff find it by the reference, and a new one's collision is redrawn.
    uniqueIndex("bookings_by_reference").on(table.reference),
  ],
);

/**
 * Owner ids whose student asked to be forgotten ("Forget me", services/forget-me.ts), as the SHA-256
 * hex of the id: the id is refused from then on (no new chat, no preferences, no memory), and kept
 * nowhere itself (migration 0018).
 */
export const forgottenOwners = sqliteTable("forgotten_owners", {
  ownerHash: text("owner_hash").primaryKey(),
  /** epoch ms of the first Forget me; a retry within minutes of it gets the same new owner id */
  forgottenAt: integer("forgotten_at").notNull(),
});

/**
 * The slots whose waitlist an owner joined (one Waitlist object per slot holds the line): what
 * "Forget me" asks to drop the owner's entries. Written by the first join of a slot (INSERT OR
 * IGNORE), read only by Forget me (migration 0018).
 */
export const waitlistJoins = sqliteTable(
  "waitlist_joins",
  {
    ownerId: text("owner_id").notNull(),
    tutorId: text("tutor_id").notNull(),
    /** YYYY-MM-DD */
    date: text("date").notNull(),
    start: text("start").notNull(),
  },
  (table) => [primaryKey({ columns: [table.ownerId, table.tutorId, table.date, table.start] })],
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
  // By chat: the inbox reads a chat's newest note, and the hard delete removes a chat's notes.
  (table) => [index("staff_messages_by_time").on(table.createdAt), index("staff_messages_by_session").on(table.sessionId, table.createdAt)],
);

/** Chats deleted from D1 whose Durable Object could not be emptied yet: retried by the next weekly run. */
export const chatCleanupFailures = sqliteTable("chat_cleanup_failures", {
  chatId: text("chat_id").primaryKey(),
  attempts: integer("attempts").notNull().default(1),
  lastError: text("last_error").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

// Staff sign-in with passkeys (workers/staff/, every query in services/db/staff.ts). Tokens (invites,
// sessions) are stored only as the SHA-256 hex of the token: a leaked table opens no session.

/** The people who run the center. Never deleted (bookings and notes will name them): disabled instead. */
export const staffMembers = sqliteTable(
  "staff_members",
  {
    id: text("id").primaryKey(),
    /** the center they work for (migration 0028); someone at two centers is two members */
    centerId: text("center_id").notNull().default("main"),
    /** lower-cased by the code that writes it; the CHECK keeps a hand-written INSERT honest */
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "staff", "tutor"] }).notNull(),
    /** for role `tutor`: the tutor whose schedule and sessions they see */
    tutorId: text("tutor_id").references(() => tutors.id),
    createdAt: integer("created_at").notNull(),
    /** epoch ms; a disabled member's sessions stop working and they cannot sign in */
    disabledAt: integer("disabled_at"),
    /** the name students see on the member's replies ("Sam · Tutoring center"); null: read from the email */
    displayName: text("display_name"),
  },
  (table) => [uniqueIndex("staff_members_email").on(table.centerId, table.email), check("staff_members_email_lower", sql`email = lower(email)`)],
);

/** One row per registered passkey; sign-in looks it up by the credential id the browser presents. */
export const staffPasskeys = sqliteTable("staff_passkeys", {
  /** base64url, as the authenticator reports it */
  credentialId: text("credential_id").primaryKey(),
  staffId: text("staff_id")
    .notNull()
    .references(() => staffMembers.id),
  /** the COSE public key, base64url */
  publicKey: text("public_key").notNull(),
  /** the authenticator's signature counter (0 for authenticators that keep none) */
  counter: integer("counter").notNull().default(0),
  /** JSON array of transports ("internal", "hybrid", …) */
  transports: text("transports").notNull().default("[]"),
  createdAt: integer("created_at").notNull(),
  lastUsedAt: integer("last_used_at"),
});

/** One-time invite links (`npm run staff:invite`, or an admin): 24 h, used once. */
export const staffInvites = sqliteTable("staff_invites", {
  /** SHA-256 hex of the token in the link */
  tokenHash: text("token_hash").primaryKey(),
  /** the center the invite joins (migration 0028) */
  centerId: text("center_id").notNull().default("main"),
  email: text("email").notNull(),
  role: text("role", { enum: ["admin", "staff", "tutor"] }).notNull(),
  /** for role `tutor`: the tutor the new member will be */
  tutorId: text("tutor_id"),
  /** the inviting admin; null for the command-line invite that creates the first admin */
  createdBy: text("created_by"),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
  /** an admin revoked it, or a newer invite to the same address replaced it: the link opens nothing (migration 0016) */
  revokedAt: integer("revoked_at"),
  /** a new passkey link for this existing member (their role stays); null: the invite creates a member */
  memberId: text("member_id").references(() => staffMembers.id),
});

/** Signed-in staff: the cookie carries the token, D1 its hash. */
export const staffSessions = sqliteTable("staff_sessions", {
  tokenHash: text("token_hash").primaryKey(),
  staffId: text("staff_id")
    .notNull()
    .references(() => staffMembers.id),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  revokedAt: integer("revoked_at"),
  /** the passkey that opened it (null before migration 0016): removing that passkey ends the session */
  credentialId: text("credential_id"),
});

/** WebAuthn challenges, each consumed once (`DELETE … RETURNING`); expired ones are swept when a new one is stored. */
export const staffChallenges = sqliteTable(
  "staff_challenges",
  {
    id: text("id").primaryKey(),
    /** base64url, as sent in the options */
    challenge: text("challenge").notNull(),
    purpose: text("purpose", { enum: ["register", "sign_in"] }).notNull(),
    /** the invite a registration challenge was issued for */
    inviteTokenHash: text("invite_token_hash"),
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [index("staff_challenges_by_expiry").on(table.expiresAt)],
);

// The center's settings and booking policies (docs/bookings.md, "The center's rules"): one row, read
// by the assistant with the catalog and by the booking INSERT itself, so a policy is enforced in the
// same statement that books.

/** One row per center (the first center's is id 1, made by migration 0005 with defaults that change nothing). */
export const centerSettings = sqliteTable(
  "center_settings",
  {
    id: integer("id").primaryKey(),
    centerId: text("center_id").notNull(),
    name: text("name").notNull(),
    /** IANA zone: what "today" and "10am" mean for students, tutors and staff */
    timeZone: text("time_zone").notNull(),
    /** a session must start at least this long after it is booked */
    minLeadMinutes: integer("min_lead_minutes").notNull(),
    /** and no later than this many days ahead */
    horizonDays: integer("horizon_days").notNull(),
    /** confirmed sessions per student per week (Monday to Sunday); null: no cap */
    weeklyCap: integer("weekly_cap"),
    /** a cancel less than this many hours before the start is late */
    cancelCutoffHours: integer("cancel_cutoff_hours").notNull(),
    /** this many no-shows within `no_show_window_days` flags the student */
    noShowLimit: integer("no_show_limit").notNull(),
    noShowWindowDays: integer("no_show_window_days").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** the staff member who last changed them; null for the defaults */
    updatedBy: text("updated_by"),
    /**
     * Bumped by triggers (migration 0008) whenever the set of subjects taught can change (a
     * tutor_subjects row added or removed, a tutor retired or back): the assistant caches the
     * subject list per isolate and re-reads it only when this moves.
     */
    catalogVersion: integer("catalog_version").notNull().default(0),
    /** hours before a session at which students are reminded, comma-separated, largest first ("24,1"); "" = none (migration 0013) */
    reminderHours: text("reminder_hours").notNull().default("24,1"),
    /** the assistant's display name in the chat (lib/center/persona.ts; migration 0014) */
    assistantName: text("assistant_name").notNull().default("Assistant"),
    /** the first message of a new chat; `{name}` stands for the display name */
    assistantGreeting: text("assistant_greeting")
      .notNull()
      .default("Hi! I'm an automated tutoring assistant, not a person. I can find you a tutor by subject, day and time, and book the session."),
    /** friendly | concise | formal: picks among the assistant's phrasings where it has more than one */
    assistantTone: text("assistant_tone", { enum: ["friendly", "concise", "formal"] }).notNull().default("friendly"),
    /** off | model: a message the built-in reader cannot place may be read by a model (migration 0027; needs the AI binding) */
    assistantReader: text("assistant_reader", { enum: ["off", "model"] }).notNull().default("off"),
    // Campus single sign-on (services/oidc.ts, docs/accounts-sso.md; migration 0026). On when issuer and client id are set.
    /** the identity provider's issuer URL (discovery at `/.well-known/openid-configuration`); null: SSO off */
    oidcIssuer: text("oidc_issuer"),
    oidcClientId: text("oidc_client_id"),
    /** comma list of email domains that may sign in ("campus.edu,students.campus.edu"); "" refuses everyone */
    oidcAllowedDomains: text("oidc_allowed_domains").notNull().default(""),
    /** the ID token claim that says staff ("groups"); null: every identity is a student */
    oidcStaffClaim: text("oidc_staff_claim"),
    /** comma lists of that claim's values that mean staff, and admin */
    oidcStaffValues: text("oidc_staff_values").notNull().default(""),
    oidcAdminValues: text("oidc_admin_values").notNull().default(""),
    /** the sign-in button's words; null: "Sign in with your campus account" */
    oidcLabel: text("oidc_label"),
  },
  (table) => [uniqueIndex("center_settings_by_center").on(table.centerId)],
);

/** Opening hours per weekday; a weekday without a row is closed. */
export const centerHours = sqliteTable(
  "center_hours",
  {
    centerId: text("center_id").notNull(),
    /** sunday..saturday */
    day: text("day").notNull(),
    /** HH:MM, 24-hour, center time */
    open: text("open").notNull(),
    close: text("close").notNull(),
  },
  (table) => [primaryKey({ columns: [table.centerId, table.day] })],
);

/** Dates the center is closed (holidays): nothing is offered or booked on them. */
export const centerClosedDates = sqliteTable(
  "center_closed_dates",
  {
    centerId: text("center_id").notNull(),
    /** YYYY-MM-DD */
    date: text("date").notNull(),
    reason: text("reason").notNull().default(""),
  },
  (table) => [primaryKey({ columns: [table.centerId, table.date] })],
);

// Student accounts (migration 0024, services/accounts.ts, docs/accounts.md).

/** A verified address and the owner id every per-owner store keys by: a device signed in to it acts as that owner. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    /** the center it was made in: one address may hold an account in several centers (migration 0028) */
    centerId: text("center_id").notNull().default("main"),
    /** lower case; proven by a sign-in link or the campus identity provider */
    email: text("email").notNull(),
    ownerId: text("owner_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [uniqueIndex("accounts_by_email").on(table.centerId, table.email), uniqueIndex("accounts_by_owner").on(table.ownerId)],
);

/** One signed-in device: the account page lists them; signing out stamps `signed_out_at`. */
export const accountSessions = sqliteTable(
  "account_sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    /** "Firefox on Linux", from the user agent at sign-in */
    device: text("device").notNull(),
    via: text("via", { enum: ["email", "sso"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    /** moved at most hourly, by the session's periodic check */
    lastSeenAt: integer("last_seen_at").notNull(),
    signedOutAt: integer("signed_out_at"),
  },
  (table) => [index("account_sessions_by_account").on(table.accountId, table.signedOutAt)],
);

/** Email sign-in links: SHA-256 of the token, one use, 15 minutes; `claims` the owners whose bookings the email listed. */
export const signInLinks = sqliteTable(
  "sign_in_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    /** the center whose account the link signs in to (migration 0028) */
    centerId: text("center_id").notNull().default("main"),
    address: text("address").notNull(),
    /** JSON array of anonymous owner ids */
    claims: text("claims").notNull().default("[]"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (table) => [index("sign_in_links_by_expiry").on(table.expiresAt), index("sign_in_links_by_address").on(table.address, table.createdAt)],
);

/** An anonymous owner booked with an address nobody has confirmed: the next sign-in email to it names the booking. */
export const addressClaims = sqliteTable(
  "address_claims",
  {
    /** the center the booking was made in (migration 0028) */
    centerId: text("center_id").notNull().default("main"),
    address: text("address").notNull(),
    ownerId: text("owner_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.address, table.ownerId] })],
);

/** Owners whose data is moving into an account; deleted when every store has moved (a half-done one is resumed). */
export const ownerMerges = sqliteTable("owner_merges", {
  fromOwner: text("from_owner").primaryKey(),
  toOwner: text("to_owner").notNull(),
  startedAt: integer("started_at").notNull(),
});
