import { fail, ok, type Result } from "../lib/errors";
import { mailConfigured } from "../lib/mail/mailer";
import { isLoopbackUrl, SinkMessageList } from "../lib/mail/sink";
import type { MailEventId, MailQueued } from "../lib/mail/outbox";
import type { MailWithheld } from "../lib/mail/recipients";
import { mailOutbox } from "./objects";

export type MailEnv = Pick<Env, "MAIL_OUTBOX" | "MAIL_API_URL" | "MAIL_API_TOKEN" | "SITE_URL">;

/**
 * Queues the emails for a change to a booking in its MailOutbox. Null when
 * email is not configured (the provider, and SITE_URL for the stop link every
 * email carries) or the queue could not be reached: then nothing was queued and
 * nobody may say an email is on its way. Never throws: the booking or cancel it
 * follows has happened either way.
 */
export async function queueBookingMail(env: MailEnv | undefined, bookingId: string, event: MailEventId): Promise<MailQueued | null> {
  if (!env || !mailConfigured(env) || !env.SITE_URL) return null;
  try {
    const queued = await mailOutbox(env, bookingId).enqueue({ bookingId, event });
    if (!queued.ok) {
      console.error("[mail] not queued for", bookingId, event, queued.error.message);
      return null;
    }
    return queued.value;
  } catch (error) {
    console.error("[mail] not queued for", bookingId, event, error);
    return null;
  }
}

/** A move's mail event: one per new (tutor, date, start), so a retried move queues nothing twice. */
export function movedEvent(to: { tutorId: string; date: string; start: string }): MailEventId {
  return `moved:${to.tutorId}:${to.date}T${to.start}`;
}

/** The student's address when their email was queued: what the chat may say. */
export function studentEmailed(queued: MailQueued | null): string | undefined {
  return queued?.recipients.find((recipient) => recipient.role === "student")?.to;
}

/** The student's address and why no email goes to it (stopped, or past today's cap): what the chat says instead. */
export function studentWithheld(queued: MailQueued | null): { to: string; reason: MailWithheld } | undefined {
  const withheld = queued?.withheld.find((recipient) => recipient.role === "student");
  return withheld ? { to: withheld.to, reason: withheld.reason } : undefined;
}

/** The queued answer with the student's withheld reason replaced (`why` null: as it was). */
export function withStudentWithheld(queued: MailQueued | null, why: MailWithheld | null): MailQueued | null {
  if (!queued || !why) return queued;
  return { ...queued, withheld: queued.withheld.map((entry) => (entry.role === "student" ? { ...entry, reason: why } : entry)) };
}

/** What an effect's outcome carries about the student's email: queued (`emailedTo`) or withheld (`emailWithheld`). */
export function studentEmailOutcome(queued: MailQueued | null): { emailedTo?: string; emailWithheld?: { to: string; reason: MailWithheld } } {
  const emailedTo = studentEmailed(queued);
  const emailWithheld = studentWithheld(queued);
  return { ...(emailedTo ? { emailedTo } : {}), ...(emailWithheld ? { emailWithheld } : {}) };
}

/**
 * The local sink's messages (GET {MAIL_API_URL}/emails), for /dev/mail. Only
 * with DEV_MAIL=1, which only the local stack sets, AND a mail API on a
 * loopback address: in production the same URL is the provider's, and nothing
 * here may read it or send it the key, whatever DEV_MAIL says.
 */
export async function readDevMailbox(env: Pick<Env, "DEV_MAIL" | "MAIL_API_URL" | "MAIL_API_TOKEN">): Promise<Result<SinkMessageList>> {
  if (env.DEV_MAIL !== "1") return fail("not_found:route", "Not found.");
  if (!mailConfigured(env)) return ok({ messages: [] });
  if (!isLoopbackUrl(env.MAIL_API_URL)) return fail("not_found:route", "Not found.");
  const sink = new URL(env.MAIL_API_URL).origin;
  let response: Response;
  try {
    response = await fetch(`${env.MAIL_API_URL.replace(/\/+$/, "")}/emails`, { headers: { authorization: `Bearer ${env.MAIL_API_TOKEN}` } });
  } catch (error) {
    return fail("bad_gateway:upstream", `The mail sink is not reachable at ${env.MAIL_API_URL}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = SinkMessageList.safeParse(await response.json().catch(() => null));
  if (!response.ok || !list.success) return fail("bad_gateway:upstream", `The mail sink answered ${response.status}.`);
  return ok({ messages: list.data.messages, sink });
}
