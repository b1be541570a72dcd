import { z } from "../zod";

/**
 * Student accounts' wire shapes and rules (services/accounts.ts, docs/accounts.md). An account is a
 * verified address and one owner id; a signed-in device acts as that owner.
 */

/** How long an email sign-in link works. */
export const SIGN_IN_LINK_MS = 15 * 60_000;

/** How long the "confirm this is you" link a booking sends works: it is read whenever the student reads mail. */
export const CONFIRM_LINK_MS = 24 * 60 * 60_000;

/**
 * How long the web worker trusts a signed account cookie before asking the sidecar whether its
 * session is still signed in: the longest a device signed out elsewhere ("sign out everywhere")
 * keeps acting for the account.
 */
export const ACCOUNT_RECHECK_MS = 10 * 60_000;

/** A device's "last seen" moves at most this often (one row written each time). */
export const LAST_SEEN_EVERY_MS = 60 * 60_000;

/**
 * The one answer for "not signed in", whoever decides it: the web worker (no account cookie, or one
 * whose session ended at its last check) or the sidecar (a session signed out since). The same words,
 * so a page cannot tell which, and nothing depends on when the cookie was last checked.
 */
export const SIGNED_OUT_MESSAGE = "You are signed out. Sign in again to see your account.";

/** `as-` and 128 random bits: one signed-in device. */
export const AccountSessionId = z.string().regex(/^as-[0-9a-f]{32}$/);

/** A sign-in link's token, as the email carries it (32 random bytes, base64url). */
export const SignInToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const SignInLinkRequest = z.object({ email: z.email().max(254) }).strict();
export type SignInLinkRequest = z.infer<typeof SignInLinkRequest>;

export const SignInLinkRedeem = z.object({ token: SignInToken }).strict();

export const SignOutRequest = z.object({ everywhere: z.boolean().optional(), device: AccountSessionId.optional() }).strict();
export type SignOutRequest = z.infer<typeof SignOutRequest>;

/** What a sign-in link is, before the click that spends it (the page shows it; nothing is written). */
export const SignInLinkInfo = z.object({
  email: z.string(),
  /** an account with this address exists (else signing in makes one) */
  account: z.boolean(),
  /** bookings made with this address on other devices that signing in brings into the account */
  bookings: z.number().int().nonnegative(),
});
export type SignInLinkInfo = z.infer<typeof SignInLinkInfo>;

/** What moved into the account when a device signed in. */
export const MergeCount = z.object({
  chats: z.number().int(),
  bookings: z.number().int(),
  facts: z.number().int(),
  notifications: z.number().int(),
  waitlists: z.number().int(),
});

/** A device signed in: the session the web worker signs into its cookie, and what it brought. */
export const SignedIn = z.object({
  sessionId: AccountSessionId,
  ownerId: z.string(),
  email: z.string(),
  /** this device's and the listed bookings' data moved into the account */
  merged: MergeCount,
  /** part of the move is still pending (it finishes by itself) */
  pending: z.boolean(),
});
export type SignedIn = z.infer<typeof SignedIn>;

export const AccountDevice = z.object({
  id: AccountSessionId,
  device: z.string(),
  via: z.enum(["email", "sso"]),
  signedInAt: z.number().int(),
  lastSeenAt: z.number().int(),
  current: z.boolean(),
});
export type AccountDevice = z.infer<typeof AccountDevice>;

/** The account page. */
export const AccountView = z.object({
  email: z.string(),
  createdAt: z.number().int(),
  devices: z.array(AccountDevice),
});
export type AccountView = z.infer<typeof AccountView>;

/** A short name for the device a session was opened on ("Firefox on Linux"), from its user agent. */
export function deviceName(userAgent: string | null | undefined): string {
  const agent = userAgent ?? "";
  const browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox" : /Chrom(e|ium)\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "A browser";
  const system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Mac OS X/.test(agent) ? "macOS" : /Windows/.test(agent) ? "Windows" : /Linux/.test(agent) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}
