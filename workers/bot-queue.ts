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
import { FIRST_CENTER } from "../lib/center/ids";
import { sha256Hex } from "../lib/ids";
import { centerForBotToken } from "../services/db/centers";

/**
 * The queue as outside bots see it (`/api/queue/*`, `/api/conversation`,
 * `/api/comments`): the token names its center (BOT_TOKEN, checked in constant time, the first
 * center's; any other center's by its hash, one indexed D1 read), then one call to THAT center's
 * MessageQueue object, so a token of one center never sees another's messages. The object which limits the token's calls, validates the input
 * (once, there) and answers with the exact rows it read and wrote. A completed
 * reply is appended to its chat once.
 */
export class BotQueueApi {
  constructor(private readonly env: TurnEnv & Pick<Env, "BOT_TOKEN">) {}

  /** The token first, so a caller without one learns nothing, not even from validation. */
  private async authorized(token: string, work: (queue: ReturnType<typeof messageQueue>, bot: BotCaller) => Promise<QueueResult> | QueueResult): Promise<QueueResult> {
    const center = await botTokenCenter(this.env, token);
    if (!center) return fail("unauthorized:bot", "A valid bot token is required (Authorization: Bearer BOT_TOKEN).");
    return work(messageQueue(this.env, center), botCaller(center));
  }

  pending(token: string, limit: unknown) {
    return this.authorized(token, (queue, bot) => queue.pending(limit ?? undefined, bot));
  }

  claim(token: string, input: unknown) {
    return this.authorized(token, async (queue, bot) => {
      const claimed = await queue.claim(input, bot);
      if (claimed.ok) await showWorking(this.env, claimed.value);
      return claimed;
    });
  }

  claimNext(token: string, input: unknown) {
    return this.authorized(token, async (queue, bot) => {
      const claimed = await queue.claimNext(input, bot);
      if (claimed.ok && claimed.value.lease) await showWorking(this.env, claimed.value.lease);
      return claimed;
    });
  }

  complete(token: string, input: unknown) {
    return this.authorized(token, async (queue, bot) => {
      const done = await queue.complete(input, bot);
      return done.ok ? deliverReply(this.env, done.value) : done;
    });
  }

  setPriority(token: string, input: unknown) {
    return this.authorized(token, (queue, bot) => queue.setPriority(input, bot));
  }

  conversation(token: string, query: unknown) {
    return this.authorized(token, (queue, bot) => queue.conversation(query, bot));
  }

  feed(token: string, query: unknown) {
    return this.authorized(token, (queue, bot) => queue.feed(query, bot));
  }

  deadLetters(token: string, limit: unknown) {
    return this.authorized(token, (queue, bot) => queue.deadLetters(limit ?? undefined, bot));
  }

  requeue(token: string, messageId: unknown) {
    return this.authorized(token, (queue, bot) => queue.requeue(messageId, bot));
  }
}

/**
 * The center a bot token belongs to, or null for no token of ours: the deployment's BOT_TOKEN is
 * the first center's (compared in constant time, no read); any other is looked up by its SHA-256
 * (`centers.bot_token_hash`, one read on its unique index), so no stored value is a working token.
 */
export async function botTokenCenter(env: Pick<Env, "BOT_TOKEN" | "DB">, token: string): Promise<string | null> {
  if (await secretMatches(token, env.BOT_TOKEN)) return FIRST_CENTER;
  if (!token || token.length > 512) return null;
  return centerForBotToken(env.DB, { tokenHash: await sha256Hex(token) });
}

/**
 * The caller the queue limits (LIMITS.botCallsPerToken): one token per center, so the center
 * names it. The first center's keeps the name it had when there was one token.
 */
function botCaller(center: string): BotCaller {
  return { bot: center === FIRST_CENTER ? "BOT_TOKEN" : `center:${center}` };
}

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

