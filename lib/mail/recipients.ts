import { EN } from "../tutoring/phrases/en";
import type { Phrases } from "../tutoring/phrases/types";
import { z } from "../zod";
import type { MailRole } from "./booking-mail";

/**
 * Who may be emailed, and how often. Anyone can type anyone's address into the
 * chat, so a booking email may reach a stranger: every email carries a one-click
 * "this wasn't me / stop these emails" link (lib/mail/stop-link.ts) whose POST puts
 * the address on the suppression list. A student's address its owner has not confirmed
 * gets no booking email, invite or reminder: only one "confirm this is you" email (a sign-in link),
 * at most MAIL_DAILY_CAP sign-in emails a day, and the rest once it is confirmed. Kept in D1 (`mail_recipients`,
 * services/db/mail-recipients.ts); decided when a message is queued, and again when
 * it is sent.
 */

/** The most emails in one UTC day to a student's address its owner has not confirmed (`verified`). */
export const MAIL_DAILY_CAP = 5;

/**
 * Why a message is not sent to an address: its owner stopped them (`suppressed`), or it had
 * MAIL_DAILY_CAP today and is not confirmed (`capped`: sign-in emails), neither tried again; or it
 * is a booking email to a student's address its owner has not confirmed (`unconfirmed`): held, and
 * sent once the address is confirmed (a sign-in link opened: services/accounts.ts).
 */
export const MailWithheld = z.enum(["suppressed", "capped", "unconfirmed"]);
export type MailWithheld = z.infer<typeof MailWithheld>;

/** An answer's "no email to this address, because": the chat's effect outcome, My bookings' cancel. */
export const EmailWithheld = z.object({ to: z.string(), reason: MailWithheld });
export type EmailWithheld = z.infer<typeof EmailWithheld>;

/** A recipient whose message is withheld, as the outbox answers it. */
export interface WithheldRecipient {
  role: MailRole;
  to: string;
  reason: MailWithheld;
}

/** How an address is kept: trimmed, lower case (a student's is stored that way by the chat already). */
export function recipientAddress(email: string): string {
  return email.trim().toLowerCase();
}

/** The day a count belongs to: the UTC date, YYYY-MM-DD. */
export function mailDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/**
 * Which recipients the daily cap counts: a student's address, typed in a chat by whoever booked.
 * A tutor's address was entered by staff (tutors.email), so it is never capped, only stoppable.
 */
export function countsTowardCap(role: MailRole): boolean {
  return role === "student";
}

/** What the chat, My bookings and the staff console say instead of "on its way": the honest reason. */
export function withheldText({ to, reason }: { to: string; reason: MailWithheld }, say: Pick<Phrases, "emailWithheld"> = EN): string {
  return say.emailWithheld(to, reason, MAIL_DAILY_CAP);
}
