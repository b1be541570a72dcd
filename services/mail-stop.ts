import { z } from "../lib/zod";
import { fail, ok, type Result } from "../lib/errors";
import { recipientAddress } from "../lib/mail/recipients";
import { MailStopQuery, mailStopUrl, type MailStopState } from "../lib/mail/stop-link";
import { mailStopped, stopMailTo } from "./db/mail-recipients";
import { readSignedJson, signJson } from "../lib/signed-json";

/**
 * The "stop these emails" link's token: `{payload}.{signature}`, the payload naming the address
 * (base64url JSON `{ v: 1, a }`), the signature an HMAC with a key derived from INTERNAL_KEY for
 * this purpose alone. It does not expire: a link in an old email must still stop the next one. It
 * grants one thing, stopping mail to the address it names, which only that mailbox has been sent.
 */

const LABEL = "tutor-chat mail stop v1";
const Claims = z.object({ v: z.literal(1), a: z.email().max(254) });

export async function mailStopToken(internalKey: string, to: string): Promise<string> {
  return signJson(internalKey, LABEL, { v: 1, a: recipientAddress(to) });
}

/** The address a token names, if its signature holds; null for anything else (never throws). */
export async function readMailStopToken(internalKey: string, token: string): Promise<string | null> {
  return (await readSignedJson(internalKey, LABEL, token, Claims, 1_000))?.a ?? null;
}

export type MailStopEnv = Pick<Env, "DB" | "INTERNAL_KEY"> & { SITE_URL?: string };

/** The link an email to `to` carries; throws when the sidecar has no SITE_URL (then no email is queued at all). */
export async function stopLinkFor(env: MailStopEnv, to: string): Promise<string> {
  if (!env.SITE_URL || !env.INTERNAL_KEY) throw new Error("SITE_URL and INTERNAL_KEY are needed for the stop link every email carries");
  return mailStopUrl(env.SITE_URL, await mailStopToken(env.INTERNAL_KEY, to));
}

const INVALID = "This link is not valid. Use the whole link from the email.";

/** The address a token argument names (validated again here: the binding is a boundary), or null. */
async function addressOf(env: MailStopEnv, token: unknown): Promise<string | null> {
  const parsed = MailStopQuery.shape.token.safeParse(token);
  return parsed.success ? readMailStopToken(env.INTERNAL_KEY, parsed.data) : null;
}

/** What the link's page shows: the address it names and whether it is stopped already. One D1 read. */
export async function mailStopInfo(env: MailStopEnv, token: unknown): Promise<Result<MailStopState>> {
  const address = await addressOf(env, token);
  if (!address) return fail("bad_request:query", INVALID);
  return ok({ address, stopped: await mailStopped(env.DB, { to: address }) });
}

/** One click: nothing more is sent to the address the token names. One D1 row written. */
export async function stopMail(env: MailStopEnv, token: unknown, now: number): Promise<Result<MailStopState>> {
  const address = await addressOf(env, token);
  if (!address) return fail("bad_request:query", INVALID);
  await stopMailTo(env.DB, { to: address, now });
  return ok({ address, stopped: true });
}
