import type { DeadLetter } from "../../lib/queue/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import type { CountingSql } from "../sql";
import * as store from "./store";
import { clock } from "../../lib/time";
import { chatSession } from "../../services/objects";
import { messageIds } from "../../lib/message-ids";

/** What a student sees when the assistant failed their message MAX_ATTEMPTS times. */
export const UNANSWERED = "Sorry, the assistant could not answer that message. Please try again, or leave a message for the tutoring center.";

/** A dead letter's student who could not be told yet is tried again this much later. */
const NOTICE_RETRY_MS = 60_000;

/**
 * Dead messages whose student has not been told yet, and the telling: a
 * student whose message died must not wait forever, so each gets an answer in
 * its chat saying so. The reply id derives from the message id, so a repeat
 * after a crash cannot show it twice; a message is marked told (one row) only
 * once its chat has the answer or cannot have one.
 */
export class DeadLetterNotices {
  private readonly waiting = new Map<string, DeadLetter>();
  /** When to try again for the students who could not be told; the queue's alarm includes it. */
  retryAt: number | null = null;

  constructor(
    private readonly db: CountingSql,
    private readonly env: Pick<Env, "CHAT_SESSION">,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** On wake: the dead rows not marked told (an indexed read of those only). */
  load(): void {
    for (const dead of store.unnotifiedDeadLetters(this.db)) this.waiting.set(dead.messageId, dead);
  }

  add(dead: DeadLetter): void {
    this.waiting.set(dead.messageId, dead);
  }

  forget(messageId: string): void {
    this.waiting.delete(messageId);
  }

  forgetSessions(sessionIds: Set<string>): void {
    for (const notice of [...this.waiting.values()]) if (sessionIds.has(notice.sessionId)) this.waiting.delete(notice.messageId);
  }

  /** The chats' new owner (the student signed in): the apology still reaches them. */
  handOver(sessionIds: Set<string>, ownerId: string): void {
    for (const notice of this.waiting.values()) if (sessionIds.has(notice.sessionId)) notice.ownerId = ownerId;
  }

  /** Hands out every waiting notice and marks it told, for a caller that tells the students itself. */
  drain(): DeadLetter[] {
    const notices = [...this.waiting.values()];
    this.markTold(notices);
    return notices;
  }

  /** Appends the apology to each waiting student's chat; the ones that failed wait for `retryAt`. */
  async tellStudents(now: number): Promise<void> {
    const notices = [...this.waiting.values()];
    if (notices.length === 0) return;
    const told = await Promise.allSettled(
      notices.map(async (notice) => {
        if (!notice.ownerId) return notice;
        const session = chatSession(this.env, notice.sessionId);
        const appended = await session.appendAssistantTurn(
          notice.ownerId,
          [{ id: messageIds.unanswered(notice.messageId), content: UNANSWERED, quickReplies: [QUICK.tryAgain, QUICK.leaveMessage] }],
          {},
          now,
        );
        // A chat that is gone or in the trash cannot be told; anything else (a throw) is tried again.
        if (!appended.ok && appended.error.code !== "not_found:session" && appended.error.code !== "gone:chat") throw new Error(appended.error.message);
        return notice;
      }),
    );
    this.markTold(told.flatMap((result) => (result.status === "fulfilled" ? [result.value] : [])));
    this.retryAt = this.waiting.size > 0 ? clock.now() + NOTICE_RETRY_MS : null;
  }

  private markTold(notices: DeadLetter[]): void {
    for (const notice of notices) {
      store.markNotified(this.db, notice.seq);
      this.waiting.delete(notice.messageId);
    }
  }
}
