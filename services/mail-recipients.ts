import type { MailKind, MailRole } from "../lib/mail/booking-mail";
import { countsTowardCap, type MailWithheld } from "../lib/mail/recipients";
import { mailStopped, studentAddressState } from "./db/mail-recipients";

/**
 * Whether a booking email may go to its address (the rules in lib/mail/recipients.ts), asked by the
 * MailOutbox twice: when a change to the booking queues its messages (so what the chat says is what
 * happens), and again just before each send (a stop pressed since then is honoured; a reminder, sent
 * on a later day, is counted on its own day then).
 */

/**
 * When a message is queued to go now: a student's address must be confirmed by its owner (else the
 * message is held, `unconfirmed`) and not stopped; a tutor's (entered by staff) only not stopped.
 * One read by key either way.
 */
export async function admitNow(db: D1Database, { role, to }: { role: MailRole; to: string; now: number }): Promise<MailWithheld | null> {
  if (!countsTowardCap(role)) return (await mailStopped(db, { to })) ? "suppressed" : null;
  const state = await studentAddressState(db, { to });
  return state.stopped ? "suppressed" : state.verified ? null : "unconfirmed";
}

/**
 * Just before a send: a reminder's first attempt is admitted now (its address may have been confirmed,
 * or stopped, since it was queued); every other attempt was admitted when queued and is only checked
 * for a stop (one read).
 */
export async function admitAtSend(
  db: D1Database,
  message: { role: MailRole; to: string; kind: MailKind; attempts: number; now: number },
): Promise<MailWithheld | null> {
  if (message.kind === "reminder" && message.attempts === 0) return admitNow(db, message);
  return (await mailStopped(db, { to: message.to })) ? "suppressed" : null;
}
