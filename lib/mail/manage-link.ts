import { z } from "../zod";
import type { MailKind } from "./booking-mail";
import type { MailMessage } from "./mailer";
import { MAIL_EN } from "./phrases/en";
import type { MailPhrases } from "./phrases/types";

/**
 * Every email to the student about a booking carries a "Manage this booking" link, which opens the
 * booking on any device, with no cookie: `{SITE_URL}/booking/{token}`. The token is signed and names
 * one booking and when it expires (services/booking-link.ts); it lets whoever holds it view that
 * booking, move it to another of its tutor's free times, and cancel it, nothing more. The tutor's copy never carries it.
 */

/** The page the link opens (app/booking/[token]/page.tsx). */
export const MANAGE_PATH = "/booking";

/** A token as the routes take it (checked again by the sidecar, which alone can verify it). */
export const BookingLinkToken = z.string().min(1).max(600);

export function manageBookingUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, "")}${MANAGE_PATH}/${encodeURIComponent(token)}`;
}

/** The message with its manage line, in `say`'s language: a cancellation only links to view the booking, since nothing is left to change. */
export function withManageLink(message: MailMessage, url: string, kind: MailKind, say: MailPhrases = MAIL_EN): MailMessage {
  const line = kind === "cancellation" ? say.viewLine(url) : say.manageLine(url);
  return { ...message, text: `${message.text}\n\n${line}` };
}

/** What the link's page shows: the booking as the center sees it, times in the center's zone. No addresses. */
export const BookingLinkView = z.object({
  bookingId: z.string(),
  /** the booking number the emails give (its id for a row without a reference) */
  number: z.string(),
  tutorName: z.string(),
  subject: z.string(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  mode: z.enum(["online", "in_person"]),
  timeZone: z.string(),
  centerName: z.string(),
  status: z.enum(["confirmed", "cancelled", "ended"]),
  /** whether the page offers Cancel: confirmed and not started */
  cancellable: z.boolean(),
  /** epoch ms after which the link no longer opens */
  linkExpiresAt: z.number().int(),
});
export type BookingLinkView = z.infer<typeof BookingLinkView>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** A time the booking may move to: the same tutor, the same length, a slot the center's rules allow now. */
export const BookingLinkMoveOption = z.object({ date: Day, start: Clock, end: Clock });
export type BookingLinkMoveOption = z.infer<typeof BookingLinkMoveOption>;

/**
 * The times the link's page offers: the same tutor and subject, the coming two weeks. `movable` is
 * false (with why) once the center's cutoff refuses any move, or when the booking is not confirmed.
 */
export const BookingLinkMoveOptions = z.object({
  movable: z.boolean(),
  reason: z.string().optional(),
  options: z.array(BookingLinkMoveOption).max(20),
});
export type BookingLinkMoveOptions = z.infer<typeof BookingLinkMoveOptions>;

/** The move's body: where to (the tutor stays the booking's; the end follows from the session's length). */
export const BookingLinkMoveBody = z.object({ date: Day, start: Clock }).strict();
export type BookingLinkMoveBody = z.infer<typeof BookingLinkMoveBody>;

/** The move's answer, once it happened: `emailed` only when the update email (with its new link) was queued. */
export const BookingLinkMoved = z.object({
  bookingId: z.string(),
  status: z.literal("confirmed"),
  date: Day,
  start: Clock,
  end: Clock,
  tutorName: z.string(),
  emailed: z.boolean(),
});
export type BookingLinkMoved = z.infer<typeof BookingLinkMoved>;
