import { ok, type Result } from "../lib/errors";
import type { ChatMessage, ChatState, NewUserMessage, SendResult, SessionFields } from "../lib/schemas";
import { describeEffectOutcome, respond, type AssistantTurn, type TutorCatalog } from "../lib/tutoring/assistant";
import type { ChatSession } from "../durable-objects/chat-session";
import type { SessionManager } from "../durable-objects/session-manager";
import { recordChat, touchChat } from "./chats";
import { performEffect } from "./effects";

/**
 * One exchange: store the student's message, let the pure assistant answer
 * from the session's fields, append its replies and state patch; if it asked
 * for an effect (a booking, a cancel, a message to staff), carry it out and
 * append the follow-up. Reply ids derive from the user message id, so a
 * retried POST can never add a second answer.
 */
export async function runAssistantTurn(input: {
  session: DurableObjectStub<ChatSession>;
  sessionId: string;
  ownerId: string;
  message: NewUserMessage;
  catalog: TutorCatalog;
  db: D1Database;
  sessionManagers: DurableObjectNamespace<SessionManager>;
  now: Date;
}): Promise<Result<SendResult>> {
  const { session, ownerId, now } = input;
  const messageId = input.message.id ?? crypto.randomUUID();
  const added = await session.addUserMessage(ownerId, input.sessionId, { id: messageId, content: input.message.content }, now.getTime());
  if (!added.ok) return added;
  // The D1 record of the chat (its list entry, soft delete and purge) is born with the session.
  if (added.value.sessionCreated) {
    await recordChat(input.db, { id: input.sessionId, ownerId, title: titleFrom(input.message.content), now: now.getTime() });
  } else if (added.value.created) {
    await touchChat(input.db, input.sessionId, now.getTime());
  }
  const state = await session.getState(ownerId);
  if (!state.ok) return state;
  if (!added.value.created) {
    // A retry of a message we already answered: return what is stored.
    return ok({ message: added.value.message, replies: repliesAfter(state.value, added.value.message.seq), state: state.value });
  }

  const turn = await respond({ fields: state.value, message: input.message.content, now, catalog: input.catalog });
  const first = await append(session, ownerId, `${messageId}:reply`, turn, now);
  if (!first.ok || !turn.effect) return first.ok ? ok({ message: added.value.message, ...first.value }) : first;

  const fields: SessionFields = { ...pickFields(state.value), ...turn.patch };
  const outcome = await performEffect(turn.effect, {
    db: input.db,
    sessionManagers: input.sessionManagers,
    sessionId: input.sessionId,
    ownerId,
    transcript: first.value.state.messages,
    now,
  });
  const followUp = await append(session, ownerId, `${messageId}:outcome`, describeEffectOutcome(fields, turn.effect, outcome), now);
  if (!followUp.ok) return followUp;
  return ok({ message: added.value.message, replies: [...first.value.replies, ...followUp.value.replies], state: followUp.value.state });
}

function append(session: DurableObjectStub<ChatSession>, ownerId: string, idPrefix: string, turn: AssistantTurn, now: Date) {
  return session.appendAssistantTurn(
    ownerId,
    turn.replies.map((reply, index) => ({ id: `${idPrefix}-${index}`, ...reply })),
    turn.patch,
    now.getTime(),
  );
}

function pickFields(state: ChatState): SessionFields {
  const { pendingMatch, bookingInfo, searchCriteria, availableTutors } = state;
  return { pendingMatch, bookingInfo, searchCriteria, availableTutors };
}

function repliesAfter(state: ChatState, seq: number): ChatMessage[] {
  return state.messages.filter((message) => message.seq > seq && message.role === "assistant");
}

function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
