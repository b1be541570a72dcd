import { FIRST_CENTER } from "./center/ids";
import { toBase64Url } from "./base64url";

/**
 * Every random id the product mints, from the platform CSPRNG. Message, lease
 * and booking-link ids are UUIDs (`crypto.randomUUID()`, used as is); the
 * formats below carry a prefix that says what they name.
 */

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes = 16): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `session-{epoch ms}-{32 hex chars = 128 random bits}` (checked here, not in lib/schemas.ts, so the browser checks it without zod). */
export const SESSION_ID_PATTERN = /^session-\d{13}-[0-9a-f]{32}$/;

/** `session-{epoch ms}-{128 random bits as hex}`. */
export function createSessionId(now = Date.now()): string {
  return `session-${now}-${randomHex(16)}`;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID_PATTERN.test(value);
}

/**
 * `owner-{128 random bits as hex}`, with `.{center}` after it for any center but the first: one
 * browser at one center, bound to it by the signed owner cookie (lib/center/ids.ts).
 */
export function newOwnerId(center: string = FIRST_CENTER): string {
  return center === FIRST_CENTER ? `owner-${randomHex(16)}` : `owner-${randomHex(16)}.${center}`;
}

/**
 * A bearer secret (staff sessions, invite links): `bytes` random bytes as base64url. Stored only
 * as `sha256Hex(token)`, so whoever reads the table holds no working token.
 */
export function newSecretToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of the text's UTF-8 bytes, lowercase hex: how a secret token is looked up without being stored. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * The symbols of a booking reference: Crockford's base32 without 0 and 1 (it already lacks I, L, O
 * and U), so nothing read out at a desk or copied by hand can be mistaken for something else.
 */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A booking reference as stored and shown: two groups of four, "K7MQ-2XPD" (30^8 ≈ 6.6·10^11 of them). */
export const BOOKING_REFERENCE_PATTERN = /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/;

/**
 * A new booking reference: 8 symbols drawn uniformly from REFERENCE_ALPHABET (bytes of 240 and up
 * are redrawn, so no symbol is likelier than another), grouped "XXXX-XXXX". Not a secret and not
 * an id: the booking's id stays its key, and the unique index on bookings.reference makes the
 * writer draw again on the rare collision.
 */
export function newBookingReference(): string {
  const symbols: string[] = [];
  while (symbols.length < 8) {
    for (const byte of crypto.getRandomValues(new Uint8Array(12))) {
      if (byte < 240 && symbols.length < 8) symbols.push(REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length]!);
    }
  }
  return `${symbols.slice(0, 4).join("")}-${symbols.slice(4).join("")}`;
}

/**
 * What someone typed for a reference, in the stored form, or null when it cannot be one: case,
 * spaces and the dash are forgiven ("k7mq 2xpd", "K7MQ2XPD").
 */
export function parseBookingReference(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, "");
  if (compact.length !== 8) return null;
  const grouped = `${compact.slice(0, 4)}-${compact.slice(4)}`;
  return BOOKING_REFERENCE_PATTERN.test(grouped) ? grouped : null;
}

/** How many references one booking may draw before its write gives up (30^8 of them: a second draw is already rare). */
const REFERENCE_DRAWS = 5;

/**
 * Runs `write` with a new reference, and again with another while `taken(error)` says the unique
 * index refused the one drawn; any other error, or the last draw's, is thrown.
 */
export async function withNewReference<T>(write: (reference: string) => Promise<T>, taken: (error: unknown) => boolean, mint: () => string = newBookingReference): Promise<T> {
  for (let draw = 1; ; draw++) {
    try {
      return await write(mint());
    } catch (error) {
      if (draw >= REFERENCE_DRAWS || !taken(error)) throw error;
    }
  }
}
