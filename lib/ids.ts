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

/** `owner-{128 random bits as hex}`: one browser, bound to it by the signed owner cookie. */
export function newOwnerId(): string {
  return `owner-${randomHex(16)}`;
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
