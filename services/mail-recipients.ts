import type { MailKind, MailRole } from "../lib/mail/booking-mail";
import { countsTowardCap, type MailWithheld } from "../lib/mail/recipients";
import { claimMailSlot, mailStopped } from "./db/mail-recipients";

/**
 * Whether a booking email may go to its address (the rules in lib/mail/recipients.ts), asked by the
 * MailOutbox twice: when a change to the booking queues its messages (so what the chat says is what
 * happens), and again just before each send (a stop pressed since then is honoured; a reminder, sent
 * on a later day, is counted on its own day then).
 */

/**
 * When a message is queued to go now: a student's address is counted toward today's cap (one D1 row
 * written when counted, none when refused); a tutor's is only checked for a stop (one read).
 */
export async function admitNow(db: D1Database, { role, to, now }: { role: MailRole; to: string; now: number }): Promise<MailWithheld | null> {
  if (countsTowardCap(role)) return claimMailSlot(db, { to, now });
  return (await mailStopped(db, { to })) ? "suppressed" : null;
}

/**
 * Just before a send: a reminder's first attempt is counted now, on the day it goes (a student's
 * address); every other attempt was counted when queued and is only checked for a stop (one read).
 */
export async function admitAtSend(
  db: D1Database,
  message: { role: MailRole; to: string; kind: MailKind; attempts: number; now: number },
): Promise<MailWithheld | null> {
  if (message.kind === "reminder" && message.attempts === 0) return admitNow(db, message);
  return (await mailStopped(db, { to: message.to })) ? "suppressed" : null;
}
