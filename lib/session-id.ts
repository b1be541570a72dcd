import { SESSION_ID_PATTERN } from "./schemas";

/** `session-{epoch ms}-{128 random bits as hex}`; the random part comes from the platform CSPRNG. */
export function createSessionId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `session-${now}-${[...random].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID_PATTERN.test(value);
}
