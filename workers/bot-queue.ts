import type { z } from "zod";
import { fail, ok, zodIssues } from "../lib/errors";
import type { QueueResult } from "../lib/sidecar-api";
import {
  ClaimInput,
  ClaimNextInput,
  CompleteInput,
  ConversationQuery,
  FeedQuery,
  type Lease,
  QueueLimit,
  QueueMessageId,
  SetPriorityInput,
} from "../lib/queue/schemas";
import type { BotCaller } from "../durable-objects/message-queue";
import { chatSession, messageQueue, type TurnEnv } from "./assistant-turn";
import { secretMatches } from "./secrets";

/**
 * The queue as outside bots see it (`/api/queue/*`, `/api/conversation`,
 * `/api/comments`): BOT_TOKEN checked in constant time, arguments validated,
 * then one call to the MessageQueue object, whose answer carries the exact
 * rows it read and wrote. A completed reply is appended to its chat once.
 */
export class BotQueueApi {
  constructor(private readonly env: TurnEnv & { BOT_TOKEN: string }) {}

  private get queue() {
    return messageQueue(this.env);
  }

  /** Token first (so a caller without one learns nothing from validation), then the argument's schema, then the call. */
  private async call<S extends z.ZodType>(
    token: string,
    schema: S,
    input: unknown,
    what: { code: "bad_request:body" | "bad_request:query"; message: string },
    work: (valid: z.infer<S>) => Promise<QueueResult> | QueueResult,
  ): Promise<QueueResult> {
    if (!(await secretMatches(token, this.env.BOT_TOKEN))) {
      return fail("unauthorized:bot", "A valid bot token is required (Authorization: Bearer BOT_TOKEN).");
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) return fail(what.code, what.message, zodIssues(parsed.error));
    return work(parsed.data);
  }

  pending(token: string, limit: unknown) {
    return this.call(token, QueueLimit, limit ?? undefined, INVALID_LIMIT, (valid) => this.queue.pending(valid, BOT));
  }

  claim(token: string, input: unknown) {
    return this.call(token, ClaimInput, input, { code: "bad_request:body", message: "Invalid claim." }, async (valid) => {
      const claimed = await this.queue.claim(valid, BOT);
      if (claimed.ok) await this.showWorking(claimed.value);
      return claimed;
    });
  }

  claimNext(token: string, input: unknown) {
    return this.call(token, ClaimNextInput, input, { code: "bad_request:body", message: "Invalid claim." }, async (valid) => {
      const claimed = await this.queue.claimNext(valid, BOT);
      if (claimed.ok && claimed.value.lease) await this.showWorking(claimed.value.lease);
      return claimed;
    });
  }

  /**
   * The student sees that their message was read and an answer is being
   * written, until the lease's expiry or the answer. Best effort: a claim
   * stands even if the chat could not be told.
   */
  private async showWorking(lease: Lease): Promise<void> {
    if (!lease.ownerId) return;
    try {
      await chatSession(this.env, lease.sessionId).agentWorking(lease.ownerId, lease.leaseExpiresAt);
    } catch (error) {
      console.warn("[bot-queue] could not show the claim in the chat", error);
    }
  }

  complete(token: string, input: unknown) {
    return this.call(token, CompleteInput, input, { code: "bad_request:body", message: "Invalid completion." }, async (valid) => {
      const done = await this.queue.complete(valid, BOT);
      if (!done.ok) return done;
      const { duplicate, messageId, sessionId, ownerId, reply, kvStats } = done.value;
      if (!ownerId) return ok({ completed: true, duplicate, messageId, sessionId, kvStats });
      // The reply reaches the student's chat, on a retry too (duplicate: true): if the first
      // append failed after the complete, this one delivers it; if it landed, its id makes this a no-op.
      const appended = await chatSession(this.env, sessionId).appendAssistantTurn(
        ownerId,
        [{ id: `${messageId}:bot-reply`, content: reply.slice(0, 4_000) }],
        {},
        Date.now(),
      );
      const rows = appended.ok ? appended.value.rows : { reads: 0, writes: 0 };
      return ok({ completed: true, duplicate, messageId, sessionId, kvStats: { reads: kvStats.reads + rows.reads, writes: kvStats.writes + rows.writes } });
    });
  }

  setPriority(token: string, input: unknown) {
    return this.call(token, SetPriorityInput, input, { code: "bad_request:body", message: "Invalid priority." }, (valid) => this.queue.setPriority(valid, BOT));
  }

  conversation(token: string, query: unknown) {
    return this.call(token, ConversationQuery, query, { code: "bad_request:query", message: "Invalid conversation query." }, (valid) =>
      this.queue.conversation(valid, BOT),
    );
  }

  feed(token: string, query: unknown) {
    return this.call(token, FeedQuery, query, { code: "bad_request:query", message: "Invalid feed cursor." }, (valid) => this.queue.feed(valid, BOT));
  }

  deadLetters(token: string, limit: unknown) {
    return this.call(token, QueueLimit, limit ?? undefined, INVALID_LIMIT, (valid) => this.queue.deadLetters(valid, BOT));
  }

  requeue(token: string, messageId: unknown) {
    return this.call(token, QueueMessageId, messageId, { code: "bad_request:body", message: "Invalid message id." }, (valid) =>
      this.queue.requeue(valid, BOT),
    );
  }
}

/**
 * The caller the queue limits (LIMITS.botCallsPerToken). There is one bot token, BOT_TOKEN,
 * so its name is its key; a second token would get its own name here.
 */
const BOT: BotCaller = { bot: "BOT_TOKEN" };

const INVALID_LIMIT = { code: "bad_request:query", message: "Invalid limit." } as const;
