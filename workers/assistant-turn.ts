import { ok, type Result } from "../lib/errors";
import type { ChatState, NewUserMessage, SendResult } from "../lib/schemas";
import { respond, type TutorCatalog } from "../lib/tutoring/assistant";
import type { ChatSession } from "../durable-objects/chat-session";

/**
 * One exchange: store the student's message, let the pure assistant answer
 * from the session's fields, append its replies and state patch.
 * Reply ids derive from the user message id, so a retried POST can never
 * add a second answer.
 */
export async function runAssistantTurn(input: {
  session: DurableObjectStub<ChatSession>;
  sessionId: string;
  ownerId: string;
  message: NewUserMessage;
  catalog: TutorCatalog;
  now: Date;
}): Promise<Result<SendResult>> {
  const { session, ownerId, now } = input;
  const messageId = input.message.id ?? crypto.randomUUID();
  const added = await session.addUserMessage(
    ownerId,
    input.sessionId,
    { id: messageId, content: input.message.content },
    now.getTime(),
  );
  if (!added.ok) return added;
  const state = await session.getState(ownerId);
  if (!state.ok) return state;
  if (!added.value.created) {
    // A retry of a message we already answered: return what is stored.
    return ok({ message: added.value.message, replies: repliesTo(state.value, added.value.message.seq), state: state.value });
  }

  const turn = await respond({ fields: state.value, message: input.message.content, now, catalog: input.catalog });
  const appended = await session.appendAssistantTurn(
    ownerId,
    turn.replies.map((reply, index) => ({ id: `${messageId}:reply-${index}`, ...reply })),
    turn.patch,
    now.getTime(),
  );
  if (!appended.ok) return appended;
  return ok({ message: added.value.message, replies: appended.value.replies, state: appended.value.state });
}

function repliesTo(state: ChatState, seq: number) {
  return state.messages.filter((m) => m.seq > seq && m.role === "assistant");
}
