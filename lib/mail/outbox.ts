import { z } from "../zod";
import type { MailRole } from "./booking-mail";
import type { WithheldRecipient } from "./recipients";

/** What a booking's MailOutbox is asked to send (one event of one booking), and what it answers. */

export const MailEvent = z.enum(["confirmed", "cancelled"]);
export type MailEvent = z.infer<typeof MailEvent>;

/** A move to a new slot: `moved:{tutorId}:{date}T{start}` (services/mail.ts `movedEvent`), one event per move. */
export const MovedEvent = z.string().regex(/^moved:[A-Za-z0-9_-]{1,64}:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "expected moved:{tutor}:{date}T{start}");
export const MailEventId = z.union([MailEvent, MovedEvent]);
export type MailEventId = z.infer<typeof MailEventId>;

export const EnqueueMail = z.object({ bookingId: z.string().min(1).max(128), event: MailEventId });
export type EnqueueMail = z.infer<typeof EnqueueMail>;

export interface MailQueued {
  /** Who this event's messages go to (empty: nothing to send, e.g. a confirmation after the cancel). */
  recipients: { role: MailRole; to: string }[];
  /** Whose message will not be sent, and why: the address was stopped, or is past today's cap. */
  withheld: WithheldRecipient[];
  /** The tutor has no address on file, so only the student is emailed. */
  tutorWithoutAddress: boolean;
}
