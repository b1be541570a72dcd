import type { ChatSession } from "../durable-objects/chat-session";
import type { MessageQueue } from "../durable-objects/message-queue";
import type { SessionManager } from "../durable-objects/session-manager";
import { ok, type Result } from "../lib/errors";
import type { ChatMessage, ChatState, NewUserMessage, SendResult, SessionFields } from "../lib/schemas";
import { describeEffectOutcome, respond, type AssistantReply, type TutorCatalog } from "../lib/tutoring/assistant";
import { rephraseReplies, workersAiRephraser, type TextModel } from "../lib/tutoring/rephrase";
import { recordChat, touchChat } from "./chats";
import { performEffect } from "./effects";

/** The worker id the built-in assistant claims messages under. */
export const BUILTIN_WORKER = "builtin-assistant";

export interface TurnEnv {
  DB: D1Database;
  CHAT_SESSION: DurableObjectNamespace<ChatSession>;
  MESSAGE_QUEUE: DurableObjectNamespace<MessageQueue>;
  SESSION_MANAGER: DurableObjectNamespace<SessionManager>;
  BOT_MODE: string;
  /** "llm" lets the optional Workers AI binding reword replies; anything else keeps them deterministic. */
  ASSISTANT_PHRASING?: string;
  AI?: TextModel;
}

/** The one queue every chat's messages pass through. */
export function messageQueue(env: Pick<TurnEnv, "MESSAGE_QUEUE">) {
  return env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromName("global"));
}

export function chatSession(env: Pick<TurnEnv, "CHAT_SESSION">, sessionId: string) {
  return env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId));
}

/**
 * A student's message: stored in its ChatSession (creating the chat on first
 * use), then enqueued for an assistant. With BOT_MODE=builtin the sidecar's
 * own assistant is dispatched on it at once, through the same claim/complete
 * path an outside bot uses; otherwise the reply arrives when a bot completes it.
 * A retried POST (same message id) stores and enqueues nothing twice.
 */
export async function acceptUserMessage(input: {
  env: TurnEnv;
  sessionId: string;
  ownerId: string;
  message: NewUserMessage;
  catalog: TutorCatalog;
  now: Date;
}): Promise<Result<SendResult>> {
  const { env, sessionId, ownerId, now } = input;
  const session = chatSession(env, sessionId);
  const messageId = input.message.id ?? crypto.randomUUID();
  const added = await session.addUserMessage(ownerId, sessionId, { id: messageId, content: input.message.content }, now.getTime());
  if (!added.ok) return added;
  if (added.value.sessionCreated) {
    // The D1 record of the chat (its list entry, soft delete and purge) is born with the session.
    await recordChat(env.DB, { id: sessionId, ownerId, title: titleFrom(input.message.content), now: now.getTime() });
  } else if (added.value.created) {
    await touchChat(env.DB, sessionId, now.getTime());
  }

  // Enqueue is idempotent on the message id, so a retry after a crash here still queues it once.
  const queued = await messageQueue(env).enqueue({ messageId, sessionId, ownerId, content: input.message.content, createdAt: now.getTime() });
  if (!queued.ok) return queued;
  let answered: ChatState | null = null;
  if (env.BOT_MODE !== "external" && queued.value.status === "pending") {
    const answer = await answerQueuedMessage({ env, messageId, workerId: BUILTIN_WORKER, catalog: input.catalog, now });
    if (answer.ok) answered = answer.value.state;
  }

  // The answer already carries the new state; only without one is it read again.
  const state = answered ? ok(answered) : await session.getState(ownerId);
  if (!state.ok) return state;
  return ok({ message: added.value.message, replies: repliesAfter(state.value, added.value.message.seq), state: state.value });
}

/**
 * The built-in assistant as a queue consumer: claim the message, answer it
 * with the pure assistant from the chat's fields, carry out any effect (a
 * booking), complete the lease, and only then append the replies, so a lost
 * or duplicate lease never shows a second answer.
 */
export async function answerQueuedMessage(input: {
  env: TurnEnv;
  messageId: string;
  workerId: string;
  catalog: TutorCatalog;
  now: Date;
}): Promise<Result<{ state: ChatState | null }>> {
  const { env, now } = input;
  const queue = messageQueue(env);
  const claimed = await queue.claim({ messageId: input.messageId, workerId: input.workerId });
  if (!claimed.ok) return claimed;
  const lease = claimed.value;
  if (!lease.ownerId) return ok({ state: null });
  const session = chatSession(env, lease.sessionId);
  const current = await session.getFields(lease.ownerId);
  if (!current.ok) return current;

  const fields = current.value;
  const turn = await respond({ fields, message: lease.content, now, catalog: input.catalog });
  let replies: AssistantReply[] = turn.replies;
  let patch: Partial<SessionFields> = turn.patch;
  if (turn.effect) {
    const outcome = await performEffect(turn.effect, {
      db: env.DB,
      sessionManagers: env.SESSION_MANAGER,
      sessionId: lease.sessionId,
      ownerId: lease.ownerId,
      // Only a message to staff needs the transcript: read it then, not on every turn.
      transcript: turn.effect.type === "leave_message" ? await transcriptOf(session, lease.ownerId) : [],
      now,
    });
    const followUp = describeEffectOutcome({ ...fields, ...turn.patch }, turn.effect, outcome);
    replies = [...replies, ...followUp.replies];
    patch = { ...patch, ...followUp.patch };
  }

  // Wording only: the state patch and the effect above were decided without the model.
  replies = await rephraseReplies(replies, env.ASSISTANT_PHRASING === "llm" && env.AI ? workersAiRephraser(env.AI) : undefined);
  const done = await queue.complete({ messageId: lease.messageId, leaseId: lease.leaseId, reply: replies.map((r) => r.content).join("\n\n") });
  if (!done.ok) return done;
  if (done.value.duplicate) return ok({ state: null });
  const appended = await session.appendAssistantTurn(
    lease.ownerId,
    replies.map((reply, index) => ({ id: `${lease.messageId}:reply-${index}`, ...reply })),
    patch,
    now.getTime(),
  );
  return appended.ok ? ok({ state: appended.value.state }) : appended;
}

async function transcriptOf(session: ReturnType<typeof chatSession>, ownerId: string): Promise<ChatMessage[]> {
  const state = await session.getState(ownerId);
  return state.ok ? state.value.messages : [];
}

function repliesAfter(state: ChatState, seq: number): ChatMessage[] {
  return state.messages.filter((message) => message.seq > seq && message.role === "assistant");
}

function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
