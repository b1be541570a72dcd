import { SESSION_ID_PATTERN } from "./schemas";

/**
 * Every random id the product mints, from the platform CSPRNG. Message, lease
 * and booking-link ids are UUIDs (`crypto.randomUUID()`, used as is); the
 * formats below carry a prefix that says what they name.
 */

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes = 16): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

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
