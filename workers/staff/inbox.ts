import { fail, ok, type Result } from "../../lib/errors";
import { z } from "../../lib/zod";
import { MAX_REPLY_CHARS } from "../../lib/queue/schemas";
import { MAX_REPLY_WAIT_MS } from "../../lib/analytics/events";
import { staffAuthor } from "../../lib/staff/author";
import type { StaffSessionInfo } from "../../lib/staff/schemas";
import { type TurnEnv } from "../../services/assistant-turn";
import { deliverReply, showWorking } from "../bot-queue";
import { latestStaffMessage } from "../../services/db/chats";
import { recordAnalytics, type WaitUntil } from "../../services/analytics";
import { checkStaffSession, limitStaffChange } from "./sessions";
import { clock } from "../../lib/time";
import { messageQueue } from "../../services/objects";
import { isHandoff } from "../../lib/message-ids";

/** How long a staff member holds a message they opened before it goes back to the queue. */
export const STAFF_LEASE_MS = 15 * 60_000;

/** A transcript line as stored with a hand-off. */
const TranscriptLine = z.object({ role: z.string(), content: z.string() });

type InboxEnv = TurnEnv & Pick<Env, "DB" | "ANALYTICS"> & Partial<Pick<Env, "RATE_LIMITER">>;

/**
 * The hand-off inbox: what students left for the center, answered by staff
 * through the same claim/complete as outside bots (leases, expiry, dead
 * letters), so a person and a bot can never answer one message twice. The
 * answer lands in the student's chat, live. Each center has its own queue
 * (`messageQueue(env, member.centerId)`): another center's message id is not
 * in it, so it answers exactly like an unknown one.
 */
export class StaffInbox {
  constructor(
    private readonly env: InboxEnv,
    /** Keeps the analytics call alive past the answer (the entrypoint's ctx.waitUntil). */
    private readonly waitUntil?: WaitUntil,
  ) {}

  /** Staff and admins work the inbox; tutors do not. A `change` counts against the member's limit. */
  private async staff(sessionToken: unknown, change = false): Promise<Result<StaffSessionInfo>> {
    const now = clock.now();
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now });
    if (!session.ok) return session;
    if (session.value.member.role === "tutor") return fail("forbidden:staff", "The inbox is for staff and admins.");
    return (change && (await limitStaffChange(this.env, session.value, now))) || session;
  }

  /** Waiting messages, best first (from the queue's memory: 0 rows), and the dead letters' count. */
  async list(sessionToken: unknown) {
    const session = await this.staff(sessionToken);
    if (!session.ok) return session;
    const pending = await messageQueue(this.env, session.value.member.centerId).pending(50);
    if (!pending.ok) return pending;
    const { messages, total, leased, deadNotices } = pending.value;
    return ok({ messages: messages.map((message) => ({ ...message, handoff: isHandoff(message.messageId) })), total, leased, deadNotices });
  }

  /** Takes a message (the student sees someone is on it) and reads what the student left with it. */
  async claim(sessionToken: unknown, messageId: unknown) {
    const session = await this.staff(sessionToken, true);
    if (!session.ok) return session;
    const claimed = await messageQueue(this.env, session.value.member.centerId).claim({ messageId, workerId: `staff:${session.value.member.id}`, leaseMs: STAFF_LEASE_MS });
    if (!claimed.ok) return claimed;
    // The student sees who: "Sam from the tutoring center is typing…", not the assistant.
    await showWorking(this.env, claimed.value, staffAuthor(session.value.member));
    const left = await latestStaffMessage(this.env.DB, { sessionId: claimed.value.sessionId });
    return ok({ lease: claimed.value, transcript: left ? readTranscript(left.transcript) : [] });
  }

  /** Messages nobody could answer (their leases lapsed MAX_ATTEMPTS times), oldest first. */
  async deadLetters(sessionToken: unknown) {
    const session = await this.staff(sessionToken);
    if (!session.ok) return session;
    return messageQueue(this.env, session.value.member.centerId).deadLetters(50);
  }

  /** Puts a dead letter back in the inbox, its attempts reset. */
  async requeue(sessionToken: unknown, messageId: unknown) {
    const session = await this.staff(sessionToken, true);
    if (!session.ok) return session;
    return messageQueue(this.env, session.value.member.centerId).requeue(messageId);
  }

  /** Answers a claimed message: stored once by the queue, then appended to the student's chat. */
  async reply(sessionToken: unknown, input: unknown) {
    const session = await this.staff(sessionToken, true);
    if (!session.ok) return session;
    const parsed = z.object({ messageId: z.string(), leaseId: z.string(), reply: z.string().trim().min(1).max(MAX_REPLY_CHARS) }).safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Write a reply to send.");
    const done = await messageQueue(this.env, session.value.member.centerId).complete(parsed.data);
    if (!done.ok) return done;
    // A hand-off is completed once (a retry is a duplicate): this is staff's first reply to it.
    if (!done.value.duplicate && isHandoff(done.value.messageId)) {
      const now = clock.now();
      recordAnalytics(this.env, session.value.member.centerId, [{ type: "staff_first_reply", durationMs: Math.min(Math.max(0, now - done.value.queuedAt), MAX_REPLY_WAIT_MS) }], this.waitUntil, now);
    }
    // Stored as the member's reply (their name and kind): the chat shows it under their name, not the assistant's.
    return deliverReply(this.env, done.value, staffAuthor(session.value.member));
  }
}

/** The stored transcript, or nothing if it does not read as one (it is context, not a record). */
function readTranscript(text: string): z.infer<typeof TranscriptLine>[] {
  try {
    const parsed = z.array(TranscriptLine).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
