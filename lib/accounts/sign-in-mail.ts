import type { MailMessage } from "../mail/mailer";
import { SIGN_IN_LINK_MS } from "./schemas";

/** The page a sign-in link opens; the token rides in the query and is spent only by the page's button. */
export const SIGN_IN_LINK_PATH = "/account/link";

export function signInUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, "")}${SIGN_IN_LINK_PATH}?token=${encodeURIComponent(token)}`;
}

export interface ClaimedBooking {
  tutorName: string;
  subject: string;
  /** as the center reads it ("Mon 14 Dec, 10:00") */
  when: string;
}

/**
 * The sign-in email. It says what the link does before anyone clicks it: signs in (making an
 * account for the address if there is none), and brings along the bookings listed, which were
 * made with this address. A link nobody asked for does nothing unless clicked.
 */
export function signInMessage({ to, url, bookings, purpose }: { to: string; url: string; bookings: ClaimedBooking[]; purpose: "sign-in" | "confirm" }): MailMessage {
  const confirm = purpose === "confirm";
  const lines = [
    confirm
      ? "A tutoring session was booked with this address. We send invites and reminders only to an address its owner has confirmed. If it was you, open this link to confirm it:"
      : "Someone asked to sign in to the tutoring center with this address. If it was you, open this link:",
    "",
    url,
    "",
    `It works once, within ${confirm ? "24 hours" : `${SIGN_IN_LINK_MS / 60_000} minutes`}, on any device, and signs you in: your chats, bookings and what the assistant remembers then show on every device you sign in on.`,
  ];
  if (bookings.length > 0) {
    lines.push("", `Opening it also adds ${bookings.length === 1 ? "this booking" : "these bookings"}, made with this address, to your account:`);
    for (const booking of bookings) lines.push(`- ${booking.subject ? `${booking.subject} with ` : ""}${booking.tutorName}, ${booking.when}`);
    lines.push("Opening the link confirms this address is yours: invites and reminders then come to it.");
  }
  lines.push("", "If you didn't ask for this, ignore this email: nothing happens unless the link is opened.");
  const subject = confirm ? "Confirm your email for your tutoring booking" : "Your sign-in link for the tutoring center";
  return { to, subject, text: lines.join("\n"), attachments: [] };
}
