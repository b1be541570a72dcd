import { z } from "../zod";
import type { MailKind } from "./booking-mail";
import type { MailMessage } from "./mailer";
import { MAIL_EN } from "./phrases/en";
import type { MailPhrases } from "./phrases/types";

/**
 * Every email to the student about a booking carries a "Manage this booking" link, which opens the
 * booking on any device, with no cookie: `{SITE_URL}/booking/{token}`. The token is signed and names
 * one booking and when it expires (services/booking-link.ts); it lets whoever holds it view that
 * booking and cancel it, nothing more. The tutor's copy never carries it.
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
