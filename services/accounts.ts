import { CONFIRM_LINK_MS, LAST_SEEN_EVERY_MS, SIGN_IN_LINK_MS, SIGNED_OUT_MESSAGE, SignInToken, type AccountView, type SignedIn, type SignInLinkInfo } from "../lib/accounts/schemas";
import { signInMessage, signInUrl } from "../lib/accounts/sign-in-mail";
import { formatDate, localNow } from "../lib/calendar";
import { fail, ok, type Result } from "../lib/errors";
import { DAY_MS } from "../lib/schemas";
import { centerOfOwner } from "../lib/center/ids";
import { newOwnerId, newSecretToken, randomHex, sha256Hex } from "../lib/ids";
import { mailerFromEnv } from "../lib/mail/mailer";
import { recipientAddress, type MailWithheld } from "../lib/mail/recipients";
import { withStopLink } from "../lib/mail/stop-link";
import {
  accountByEmail,
  accountSessions,
  claimedBookings,
  claimsOf,
  endAllSessions,
  endSession,
  insertSignInLink,
  liveSession,
  openAccountSession,
  peekSignInLink,
  purgeSignInLinks,
  upcomingBookingsWith,
  recentLink,
  spendSignInLink,
  touchSession,
} from "./db/accounts";
import { centerTimeZone } from "./db/center-time-zone";
// Accounts per center are the lead's: until then the sign-in mail lists bookings by the first center's calendar day.
import { FIRST_CENTER } from "../lib/center/ids";
import { claimMailSlot } from "./db/mail-recipients";
import { stopLinkFor, type MailStopEnv } from "./mail-stop";
import { finishMerges, type MergeEnv } from "./owner-merge";
import { mailOutbox } from "./objects";

/**
 * Student accounts (docs/accounts.md). An account is a verified address and one owner id; a device
 * signed in to it acts as that owner, so every store keyed by owner (chats, bookings, memory, the
 * bell, preferences) is the same on every device with no change to any of them. Signing in moves
 * what the device's anonymous owner held into the account (services/owner-merge.ts), and so does a
 * sign-in link for the bookings it lists.
 *
 * Proof of an address: an email sign-in link (here) or the campus identity provider's verified email
 * claim (services/oidc.ts); both end in `signInVerified`.
 */

/** What mailing a sign-in link needs (a booking's "confirm this is you" email too). */
export type LinkMailEnv = MailStopEnv & Pick<Env, "MAIL_API_URL" | "MAIL_API_TOKEN" | "MAIL_FROM" | "SITE_URL">;
export type AccountEnv = MergeEnv & LinkMailEnv & Pick<Env, "MAIL_OUTBOX">;

const LINK_SENT = "If that address can receive email from us, a sign-in link is on its way. It works once, within 15 minutes.";
const LINK_SPENT = "This sign-in link has been used, has expired, or is not one of ours. Ask for a new one on the sign-in page.";

/**
 * Mails a sign-in link to `email` (limits are the caller's: per address and per network). The answer
 * is the same whether or not the address has an account, was stopped, or is over today's cap; only
 * a provider failure or no mail at all is said (they say nothing about the address).
 */
export async function requestSignInLink(env: AccountEnv, { center, email, now }: { center: string; email: string; now: number }): Promise<Result<{ message: string }>> {
  const sent = await mailLink(env, { center, address: recipientAddress(email), now, purpose: "sign-in" });
  // Sent or withheld (a stopped address, today's cap): the answer does not say which.
  return sent.ok ? ok({ message: LINK_SENT }) : sent;
}

/**
 * A booking's emails are held for an address its owner has not confirmed (lib/mail/recipients.ts):
 * that address gets one "confirm this is you" email, a sign-in link naming the booking that works
 * for CONFIRM_LINK_MS, at most one a day. Answers null when it went (now, or earlier today), else why
 * not (the address stopped our emails, or had today's most), which is what the chat says; never throws.
 */
export async function askToConfirm(env: LinkMailEnv, { center, email, now }: { center: string; email: string; now: number }): Promise<MailWithheld | null> {
  const address = recipientAddress(email);
  try {
    if (await recentLink(env.DB, { center, address, since: now - DAY_MS })) return null;
    const sent = await mailLink(env, { center, address, now, purpose: "confirm" });
    return sent.ok ? sent.value.withheld : null;
  } catch (error) {
    console.error("[accounts] no confirmation email", error);
    return null;
  }
}

/**
 * Mints a link for the address (listing the anonymous owners' bookings with it) and mails it. A
 * stopped address, or one past today's cap, gets nothing, and the answer does not say so.
 */
async function mailLink(
  env: LinkMailEnv,
  { center, address, now, purpose }: { center: string; address: string; now: number; purpose: "sign-in" | "confirm" },
): Promise<Result<{ withheld: MailWithheld | null }>> {
  const mailer = mailerFromEnv(env);
  if (!mailer || !env.SITE_URL) return fail("unavailable:mail", "Email sign-in is not available on this site: it has no email service configured.");
  const token = newSecretToken();
  const claims = await claimsOf(env.DB, { center, address });
  await insertSignInLink(env.DB, { center, token, address, claims, now, expiresAt: now + (purpose === "confirm" ? CONFIRM_LINK_MS : SIGN_IN_LINK_MS) });
  const withheld = await claimMailSlot(env.DB, { to: address, now });
  if (withheld) return ok({ withheld });
  const timeZone = await centerTimeZone(env.DB, { center: FIRST_CENTER });
  const listed = await claimedBookings(env.DB, { address, owners: claims, today: localNow(new Date(now), timeZone).date });
  const message = signInMessage({
    to: address,
    url: signInUrl(env.SITE_URL, token),
    purpose,
    bookings: listed.map((booking) => ({ tutorName: booking.tutorName, subject: booking.subject, when: `${formatDate(booking.date)}, ${booking.start}` })),
  });
  const sent = await mailer.send(withStopLink(message, await stopLinkFor(env, address)), `sign-in:${await sha256Hex(token)}`);
  return sent.ok ? ok({ withheld: null }) : fail("bad_gateway:upstream", "We could not send the email just now. Please try again in a minute.");
}

/** What a link would do, for the page before the click: no write, and the same refusal for used, expired and unknown. */
export async function signInLinkInfo(env: Pick<Env, "DB">, { token, now }: { token: unknown; now: number }): Promise<Result<SignInLinkInfo>> {
  const parsed = SignInToken.safeParse(token);
  const link = parsed.success ? await peekSignInLink(env.DB, { token: parsed.data, now }) : null;
  if (!link) return fail("gone:sign_in_link", LINK_SPENT);
  const today = localNow(new Date(now), await centerTimeZone(env.DB, { center: FIRST_CENTER })).date;
  // The same bookings the email listed: the upcoming ones.
  const [account, bookings] = await Promise.all([accountByEmail(env.DB, { center: link.center, address: link.address }), claimedBookings(env.DB, { address: link.address, owners: claimList(link.claims), today })]);
  return ok({ email: link.address, account: account !== null, bookings: bookings.length });
}

/** The click: spends the link (once), then signs the device in to the address's account. */
export async function redeemSignInLink(
  env: AccountEnv,
  { token, deviceOwnerId, device, now }: { token: unknown; deviceOwnerId: string; device: string; now: number },
): Promise<Result<SignedIn>> {
  const parsed = SignInToken.safeParse(token);
  // A link is spent only at the site of the center it was sent for: elsewhere it is not one of ours.
  const link = parsed.success ? await spendSignInLink(env.DB, { center: centerOfOwner(deviceOwnerId), token: parsed.data, now }) : null;
  if (!link) return fail("gone:sign_in_link", LINK_SPENT);
  return signInVerified(env, { email: link.address, deviceOwnerId, claims: claimList(link.claims), device, via: "email", now });
}

/**
 * A device proved it holds `email` (a link, or the campus identity provider): the address is
 * confirmed, the account made if it has none, a session opened, and what the device's anonymous
 * owner and the `claims` owners held moved into the account (an account's own owner id never moves).
 * Retried or run on two devices at once, nothing is made twice: one account per address, one merge
 * per owner (services/owner-merge.ts).
 */
export async function signInVerified(
  env: AccountEnv,
  input: { email: string; deviceOwnerId: string; claims?: string[]; device: string; via: "email" | "sso"; now: number },
): Promise<Result<SignedIn>> {
  const sessionId = `as-${randomHex(16)}`;
  // The device's center: its account there (an address may hold one in each center).
  const center = centerOfOwner(input.deviceOwnerId);
  const account = await openAccountSession(env.DB, {
    center,
    address: recipientAddress(input.email),
    accountId: `acct-${randomHex(16)}`,
    newOwnerId: newOwnerId(center),
    sessionId,
    device: input.device.slice(0, 80),
    via: input.via,
    // Only owners of this center move in (a claim is recorded per center; this guards a hand-made one too).
    mergeFrom: [input.deviceOwnerId, ...(input.claims ?? [])].filter((owner) => centerOfOwner(owner) === center),
    now: input.now,
  });
  if (account.newlyVerified) await releaseHeldMail(env, { center, address: account.email, now: input.now });
  const merged = await finishMerges(env, { toOwner: account.ownerId, now: input.now });
  return ok({ sessionId, ownerId: account.ownerId, email: account.email, merged: merged.moved, pending: merged.pending > 0 });
}

/**
 * The address was just confirmed: the emails held for it (lib/mail/recipients.ts `unconfirmed`) go
 * now, one `MailOutbox.release` per upcoming booking with it. A failure is logged; the booking's
 * next change or reminder checks the address again.
 */
async function releaseHeldMail(env: AccountEnv, { center, address, now }: { center: string; address: string; now: number }): Promise<void> {
  if (!mailerFromEnv(env)) return;
  const bookings = await upcomingBookingsWith(env.DB, { center, address, today: localNow(new Date(now), await centerTimeZone(env.DB, { center })).date });
  await Promise.all(bookings.map((id) => mailOutbox(env, id).release().catch((error: unknown) => console.error("[accounts] held mail not released", id, error))));
}

/**
 * The web worker's periodic check of a signed cookie (every ACCOUNT_RECHECK_MS): the account's owner
 * while the session is signed in. One D1 read; "last seen" is written at most hourly.
 */
export async function checkAccountSession(env: Pick<Env, "DB">, { sessionId, now }: { sessionId: string; now: number }): Promise<Result<{ ownerId: string; email: string }>> {
  const session = await liveSession(env.DB, { sessionId });
  if (!session) return fail("unauthorized:account", SIGNED_OUT_MESSAGE);
  if (now - session.lastSeenAt >= LAST_SEEN_EVERY_MS) await touchSession(env.DB, { sessionId, now });
  return ok({ ownerId: session.ownerId, email: session.email });
}

/** The account page: the address and the devices signed in (a merge left pending is finished first). */
export async function accountOverview(env: AccountEnv, { sessionId, now }: { sessionId: string; now: number }): Promise<Result<AccountView>> {
  const session = await liveSession(env.DB, { sessionId });
  if (!session) return fail("unauthorized:account", SIGNED_OUT_MESSAGE);
  await finishMerges(env, { toOwner: session.ownerId, now });
  const devices = await accountSessions(env.DB, { accountId: session.id });
  return ok({
    email: session.email,
    createdAt: session.createdAt,
    devices: devices.map((row) => ({ id: row.id, device: row.device, via: row.via, signedInAt: row.createdAt, lastSeenAt: row.lastSeenAt, current: row.id === sessionId })),
  });
}

/**
 * Signs out this device, another device of the same account (`device`), or every device. The
 * others stop acting for the account at their next check, within ACCOUNT_RECHECK_MS.
 */
export async function signOutAccount(
  env: Pick<Env, "DB">,
  { sessionId, device, everywhere, now }: { sessionId: string; device?: string; everywhere?: boolean; now: number },
): Promise<Result<{ signedOut: number }>> {
  const session = await liveSession(env.DB, { sessionId });
  // Already signed out: this device is signed out either way.
  if (!session) return device ? fail("unauthorized:account", SIGNED_OUT_MESSAGE) : ok({ signedOut: 0 });
  if (everywhere) return ok({ signedOut: await endAllSessions(env.DB, { accountId: session.id, now }) });
  const ended = await endSession(env.DB, { accountId: session.id, sessionId: device ?? sessionId, now });
  if (device && !ended) return fail("not_found:route", "No device of yours with that id is signed in.");
  return ok({ signedOut: ended ? 1 : 0 });
}

/** The weekly sweep: sign-in links a day past their expiry go; merges a failure left pending are finished. */
export async function sweepAccounts(env: AccountEnv, now: number): Promise<{ links: number; moved: number; pending: number }> {
  const links = await purgeSignInLinks(env.DB, { before: now - DAY_MS });
  const { moved, pending } = await finishMerges(env, { now });
  return { links, moved: moved.chats + moved.bookings + moved.facts + moved.notifications + moved.waitlists, pending };
}

function claimList(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}
