import { fail, ok, zodIssues, type Result } from "../lib/errors";
import type { QueueResult } from "../lib/sidecar-api";
import {
  ClaimInput,
  ClaimNextInput,
  CompleteInput,
  ConversationQuery,
  FeedQuery,
  QueueLimit,
  QueueMessageId,
  SetPriorityInput,
} from "../lib/queue/schemas";
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

  private async authorized(token: string): Promise<boolean> {
    return secretMatches(token, this.env.BOT_TOKEN);
  }

  private get queue() {
    return messageQueue(this.env);
  }

  async pending(token: string, limit: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = QueueLimit.safeParse(limit ?? undefined);
    if (!parsed.success) return fail("bad_request:query", "Invalid limit.", zodIssues(parsed.error));
    return this.queue.pending(parsed.data);
  }

  async claim(token: string, input: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = ClaimInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid claim.", zodIssues(parsed.error));
    return this.queue.claim(parsed.data);
  }

  async claimNext(token: string, input: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = ClaimNextInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid claim.", zodIssues(parsed.error));
    return this.queue.claimNext(parsed.data);
  }

  async complete(token: string, input: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = CompleteInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid completion.", zodIssues(parsed.error));
    const done = await this.queue.complete(parsed.data);
    if (!done.ok) return done;
    const { duplicate, messageId, sessionId, ownerId, reply, kvStats } = done.value;
    if (duplicate || !ownerId) return ok({ completed: true, duplicate, messageId, sessionId, kvStats });
    // The reply reaches the student's chat; its id makes a repeat of this step harmless.
    const appended = await chatSession(this.env, sessionId).appendAssistantTurn(ownerId, [{ id: `${messageId}:bot-reply`, content: reply.slice(0, 4_000) }], {}, Date.now());
    const rows = appended.ok ? appended.value.rows : { reads: 0, writes: 0 };
    return ok({ completed: true, duplicate, messageId, sessionId, kvStats: { reads: kvStats.reads + rows.reads, writes: kvStats.writes + rows.writes } });
  }

  async setPriority(token: string, input: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = SetPriorityInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Invalid priority.", zodIssues(parsed.error));
    return this.queue.setPriority(parsed.data);
  }

  async conversation(token: string, query: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = ConversationQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid conversation query.", zodIssues(parsed.error));
    return this.queue.conversation(parsed.data);
  }

  async feed(token: string, query: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = FeedQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid feed cursor.", zodIssues(parsed.error));
    return this.queue.feed(parsed.data);
  }

  async deadLetters(token: string, limit: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = QueueLimit.safeParse(limit ?? undefined);
    if (!parsed.success) return fail("bad_request:query", "Invalid limit.", zodIssues(parsed.error));
    return this.queue.deadLetters(parsed.data);
  }

  async requeue(token: string, messageId: unknown): Promise<QueueResult> {
    if (!(await this.authorized(token))) return unauthorized();
    const parsed = QueueMessageId.safeParse(messageId);
    if (!parsed.success) return fail("bad_request:body", "Invalid message id.", zodIssues(parsed.error));
    return this.queue.requeue(parsed.data);
  }
}

function unauthorized(): Result<never> {
  return fail("unauthorized:bot", "A valid bot token is required (Authorization: Bearer BOT_TOKEN).");
}
