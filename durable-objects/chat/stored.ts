import type { AnalyticsEvent } from "../../lib/analytics/events";
import type { ChatMessage, ChatState, SendResult } from "../../lib/schemas";
import type { RowCounts } from "../sql";

/** What storing a student's message answers, beyond the page's SendResult. */
export interface Stored {
  sent: SendResult;
  sessionCreated: boolean;
  /** The D1 `chats` row (the chat list's order) is due a touch: at most hourly per chat. */
  touchList: boolean;
  rows: RowCounts;
  /** What this message started, for analytics (none for a retry answered from storage). */
  events: AnalyticsEvent[];
}

export interface StoredInput {
  sessionCreated: boolean;
  touchList: boolean;
  /** the object's row counts before the message was handled */
  before: RowCounts;
  events?: AnalyticsEvent[];
}

/** The answer for a stored message: its replies (this message's own, by id) from the page, and the rows it cost. */
export function storedAnswer(message: ChatMessage, state: ChatState, input: StoredInput & { after: RowCounts }): Stored {
  const replies = state.messages.filter((reply) => reply.seq > message.seq && reply.role === "assistant" && reply.id.startsWith(`${message.id}:`));
  return {
    sent: { message, replies, state },
    sessionCreated: input.sessionCreated,
    touchList: input.touchList,
    rows: { reads: input.after.reads - input.before.reads, writes: input.after.writes - input.before.writes },
    events: input.events ?? [],
  };
}
