import { fail, ok } from "../lib/errors";
import type { QueueResult } from "../lib/sidecar-api";
import type { CompleteResult, Lease } from "../lib/queue/schemas";
import type { MessageAuthor } from "../lib/schemas";
import type { BotCaller, Measured } from "../durable-objects/message-queue";
import { type TurnEnv } from "../services/assistant-turn";
import { secretMatches } from "../services/secrets";
import { clock } from "../lib/time";
import { chatSession, messageQueue } from "../services/objects";
import { messageIds } from "../lib/message-ids";

/**
 * The queue as outside bots see it (`/api/queue/*`, `/api/conversation`,
 * `/api/comments`): BOT_TOKEN checked in constant time, then one call to the
 * MessageQueue object, which limits the token's calls, validates the input
 * (once, there) and answers with the exact rows it read and wrote. A completed
 * reply is appended to its chat once.
 */
export class BotQueueApi {
  constructor(private readonly env: TurnEnv & Pick<Env, "BOT_TOKEN">) {}

  private get queue() {
    return messageQueue(this.env);
  }

  /** The token first, so a caller without one learns nothing, not even from validation. */
  private async authorized(token: string, work: () => Promise<QueueResult> | QueueResult): Promise<QueueResult> {
    if (!(await secretMatches(token, this.env.BOT_TOKEN))) {
      return fail("unauthorized:bot", "A valid bot token is required (Authorization: Bearer BOT_TOKEN).");
    }
    return work();
  }

  pending(token: string, limit: unknown) {
    return this.authorized(token, () => this.queue.pending(limit ?? undefined, BOT));
  }

  claim(token: string, input: unknown) {
    return this.authorized(token, async () => {
      const claimed = await this.queue.claim(input, BOT);
      if (claimed.ok) await showWorking(this.env, claimed.value);
      return claimed;
    });
  }

  claimNext(token: string, input: unknown) {
    return this.authorized(token, async () => {
      const claimed = await this.queue.claimNext(input, BOT);
      if (claimed.ok && claimed.value.lease) await showWorking(this.env, claimed.value.lease);
      return claimed;
    });
  }

  complete(token: string, input: unknown) {
    return this.authorized(token, async () => {
      const done = await this.queue.complete(input, BOT);
      return done.ok ? deliverReply(this.env, done.value) : done;
    });
  }

  setPriority(token: string, input: unknown) {
    return this.authorized(token, () => this.queue.setPriority(input, BOT));
  }

  conversation(token: string, query: unknown) {
    return this.authorized(token, () => this.queue.conversation(query, BOT));
  }

  feed(token: string, query: unknown) {
    return this.authorized(token, () => this.queue.feed(query, BOT));
  }

  deadLetters(token: string, limit: unknown) {
    return this.authorized(token, () => this.queue.deadLetters(limit ?? undefined, BOT));
  }

  requeue(token: string, messageId: unknown) {
    return this.authorized(token, () => this.queue.requeue(messageId, BOT));
  }
}

/**
 * The caller the queue limits (LIMITS.botCallsPerToken). There is one bot token, BOT_TOKEN,
 * so its name is its key; a second token would get its own name here.
 */
const BOT: BotCaller = { bot: "BOT_TOKEN" };

/**
 * The student sees that their message was read and an answer is being
 * written, until the lease's expiry or the answer. Best effort: a claim
 * stands even if the chat could not be told.
 */
export async function showWorking(env: Pick<TurnEnv, "CHAT_SESSION">, lease: Lease, author?: MessageAuthor): Promise<void> {
  if (!lease.ownerId) return;
  try {
    await chatSession(env, lease.sessionId).agentWorking(lease.ownerId, lease.leaseExpiresAt, author);
  } catch (error) {
    console.warn("[queue] could not show the claim in the chat", error);
  }
}

/**
 * A completed message's reply reaches the student's chat, on a retry too
 * (duplicate: true): if the first append failed after the complete, this one
 * delivers it; if it landed, its id makes this a no-op. Bots and staff alike.
 * `delivered` says whether the chat has it now (a chat in the trash, or one
 * that could not be reached, does not), so no caller claims more than happened.
 * `author`: a staff member's reply is stored as theirs (their name and kind), not the assistant's.
 */
export async function deliverReply(env: Pick<TurnEnv, "CHAT_SESSION">, done: Measured<CompleteResult>, author?: MessageAuthor) {
  const { duplicate, messageId, sessionId, ownerId, reply, kvStats } = done;
  if (!ownerId) return ok({ completed: true, delivered: false, duplicate, messageId, sessionId, kvStats });
  const content = reply.slice(0, 4_000);
  const appended = await chatSession(env, sessionId).appendAssistantTurn(ownerId, [{ id: messageIds.botReply(messageId), content, ...(author ? { author } : {}) }], {}, clock.now());
  const rows = appended.ok ? appended.value.rows : { reads: 0, writes: 0 };
  return ok({ completed: true, delivered: appended.ok, duplicate, messageId, sessionId, kvStats: { reads: kvStats.reads + rows.reads, writes: kvStats.writes + rows.writes } });
}

