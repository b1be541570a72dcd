import { z } from "../zod";

/**
 * In-app notifications (the bell): every wire shape once. The student's
 * Notifications object (durable-objects/notifications.ts) stores them, the
 * sidecar's RPC and the web routes answer them, and the bell's socket pushes
 * the unread count in `NotificationsFrame`.
 */

/** What happened: a booking confirmed, cancelled, reminded of or moved, or a waitlist's offer of a freed slot. */
export const NotificationKind = z.enum(["booking_confirmed", "booking_cancelled", "reminder", "moved", "waitlist_offer"]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** A notification to add. `key` makes it idempotent: booking × event × sequence, e.g. `bk-…:booking_confirmed:0`. */
export const NewNotification = z
  .object({
    key: z.string().min(1).max(200),
    kind: NotificationKind,
    title: z.string().min(1).max(120),
    body: z.string().max(500),
    /** Same-site path only (the list links to it). */
    href: z.string().max(200).regex(/^\/(?!\/)/).optional(),
    bookingId: z.string().min(1).max(128).optional(),
  })
  .strict();
export type NewNotification = z.infer<typeof NewNotification>;

export const Notification = z.object({
  /** The key it was added with: unique per student, and unguessable across students (it holds a booking id). */
  id: z.string(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  href: z.string().nullable(),
  bookingId: z.string().nullable(),
  createdAt: z.number().int(),
  readAt: z.number().int().nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({ notifications: z.array(Notification), unread: z.number().int().nonnegative() });
export type NotificationList = z.infer<typeof NotificationList>;

export const UnreadCount = z.object({ unread: z.number().int().nonnegative() });
export type UnreadCount = z.infer<typeof UnreadCount>;

/**
 * What the bell loads (GET /api/notifications/count). `live` is false for a browser with no
 * owner cookie yet: nothing can have been sent to it, and the route mints no owner for it (a
 * second owner minted in parallel with the page's /api/health would race it), so no socket opens
 * until a page says the browser has an owner (lib/owner-signal.ts) and the bell asks again.
 */
export const BellState = UnreadCount.extend({ live: z.boolean() });
export type BellState = z.infer<typeof BellState>;

/** Mark some (by id) or every notification read. */
export const MarkRead = z.union([z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(50) }).strict(), z.object({ all: z.literal(true) }).strict()]);
export type MarkRead = z.infer<typeof MarkRead>;

/** The newest this many are kept; older ones are deleted as new ones arrive. */
export const NOTIFICATIONS_KEPT = 50;

/** The one frame the bell's socket pushes: on connect, and whenever a notification is added or read. */
export const NotificationsFrame = z
  .object({ v: z.literal(1), type: z.literal("notifications"), unread: z.number().int().nonnegative(), latest: Notification.nullable() })
  .strict();
export type NotificationsFrame = z.infer<typeof NotificationsFrame>;

/** The student's email choices as /notifications/preferences shows them: each of the center's reminder times on or off. */
export const NotificationPreferences = z.object({
  /** confirmation and cancellation emails (with the calendar invite) */
  changeEmails: z.boolean(),
  /** reminder emails at all */
  reminders: z.boolean(),
  reminderHours: z.array(z.object({ hours: z.number().int(), on: z.boolean() })),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** What the preferences form saves; `reminderHoursOff` names the center's reminder times the student does not want. */
export const NotificationPreferencesInput = z
  .object({
    changeEmails: z.boolean(),
    reminders: z.boolean(),
    reminderHoursOff: z
      .array(z.number().int().min(1).max(168))
      .max(4)
      .refine((hours) => new Set(hours).size === hours.length, "each time at most once"),
  })
  .strict();
export type NotificationPreferencesInput = z.infer<typeof NotificationPreferencesInput>;
