import { z } from "../lib/zod";
import { zonedToEpoch } from "../lib/calendar";
import { hasStarted } from "../lib/center/policy";
import { fail, ok, type Result } from "../lib/errors";
import { bookingNumber } from "../lib/mail/booking-mail";
import { BookingLinkToken, manageBookingUrl, type BookingLinkView } from "../lib/mail/manage-link";
import { BookingId, DAY_MS } from "../lib/schemas";
import { bookingForMail, type BookingForMail } from "./db/mail";
import { readSignedJson, signJson } from "../lib/signed-json";

/**
 * The "Manage this booking" link's token (lib/mail/manage-link.ts): `{payload}.{signature}`, the
 * payload base64url JSON `{ v: 1, b: bookingId, e: expiresAt }`, the signature an HMAC-SHA256 with a
 * key derived from INTERNAL_KEY for this purpose alone (label "tutor-chat booking link v1"), so no
 * socket ticket, stop link or owner cookie can pass for one, nor one for them.
 *
 * It names one booking and grants only that booking: view it, cancel it (as its own student, the
 * owner read from the row). It expires a day after the session's end (`e`, fixed when the email is
 * rendered: a move's email carries a new link with the new end). Stateless: minting and checking
 * cost no row and no object call; the page's reads cost one D1 read each.
 */

const LABEL = "tutor-chat booking link v1";
const Claims = z.object({ v: z.literal(1), b: BookingId, e: z.number().int() });

export type BookingLinkClaims = { bookingId: string; expiresAt: number };

/** When a booking's link stops working: a day after the session's end (its wall-clock end in the center's zone). */
export function bookingLinkExpiry(booking: { date: string; end: string; timeZone: string }): number {
  return zonedToEpoch(booking.date, booking.end, booking.timeZone) + DAY_MS;
}

export async function mintBookingLinkToken(internalKey: string, claims: BookingLinkClaims): Promise<string> {
  return signJson(internalKey, LABEL, { v: 1, b: claims.bookingId, e: claims.expiresAt });
}

/** The token's claims if its signature holds and it has not expired; why not otherwise (never throws). */
export async function readBookingLinkToken(
  internalKey: string,
  token: unknown,
  now: number,
): Promise<{ ok: true; claims: BookingLinkClaims } | { ok: false; reason: "invalid" | "expired" }> {
  const text = BookingLinkToken.safeParse(token);
  const claims = text.success ? await readSignedJson(internalKey, LABEL, text.data, Claims) : null;
  if (!claims) return { ok: false, reason: "invalid" };
  if (claims.e <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims: { bookingId: claims.b, expiresAt: claims.e } };
}

export type BookingLinkEnv = Pick<Env, "DB" | "INTERNAL_KEY"> & { SITE_URL?: string };

/** The link the student's emails about `booking` carry; throws when the sidecar has no SITE_URL or INTERNAL_KEY (then no email is queued). */
export async function manageLinkFor(env: BookingLinkEnv, booking: { id: string; date: string; end: string; timeZone: string }): Promise<string> {
  if (!env.SITE_URL || !env.INTERNAL_KEY) throw new Error("SITE_URL and INTERNAL_KEY are needed for the manage link the student's emails carry");
  return manageBookingUrl(env.SITE_URL, await mintBookingLinkToken(env.INTERNAL_KEY, { bookingId: booking.id, expiresAt: bookingLinkExpiry(booking) }));
}

const INVALID = "This link is not valid. Use the whole link from your most recent email about the booking.";
const EXPIRED = "This link has expired. Your bookings are on My bookings in the browser you booked from, or ask the center.";

/** The booking a token names, read from D1 (one read), or the 4xx it is answered with. */
export async function bookingByLink(env: BookingLinkEnv, token: unknown, now: number): Promise<Result<{ booking: BookingForMail; expiresAt: number }>> {
  const read = await readBookingLinkToken(env.INTERNAL_KEY, token, now);
  if (!read.ok) return read.reason === "expired" ? fail("gone:booking_link", EXPIRED) : fail("forbidden:booking_link", INVALID);
  const booking = await bookingForMail(env.DB, { bookingId: read.claims.bookingId });
  // Signed by us but gone from D1 (a hand-deleted row): the same answer as a bad link, nothing to show.
  if (!booking) return fail("forbidden:booking_link", INVALID);
  return ok({ booking, expiresAt: read.claims.expiresAt });
}

/** What the link's page shows. */
export function bookingLinkView(booking: BookingForMail, expiresAt: number, now: number): BookingLinkView {
  return {
    bookingId: booking.id,
    number: bookingNumber(booking),
    tutorName: booking.tutorName,
    subject: booking.subject,
    date: booking.date,
    start: booking.start,
    end: booking.end,
    mode: booking.mode,
    timeZone: booking.timeZone,
    centerName: booking.centerName,
    status: booking.status,
    cancellable: booking.status === "confirmed" && !hasStarted({ timeZone: booking.timeZone }, booking, new Date(now)),
    linkExpiresAt: expiresAt,
  };
}
