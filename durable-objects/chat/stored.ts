import type { AnalyticsEvent } from "../../lib/analytics/events";
import type { ChatMessage, ChatState, SendResult } from "../../lib/schemas";
import type { RowCounts } from "../sql";

/** The ChatSession's session row as it keeps it in memory, and what storing a student's message answers. */

export interface SessionMeta {
  sessionId: string;
  ownerId: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

/** What storing a student's message answers, beyond the page's SendResult. */
export interface Stored {
  sent: SendResult;
  sessionCreated: boolean;
  /** The D1 `chats` row (the chat list's order) is due a touch: at most hourly per chat. */
  touchList: boolean;
  rows: RowCounts;
  /**
   * What this message started (none for a retry answered from storage). Informational: the chat
   * stores them with the message and reports them itself, in batches (chat/analytics-report.ts).
   */
  events: AnalyticsEvent[];
}

/** A student's message, and the chat it started. */
export function messageEvents(isNew: boolean): AnalyticsEvent[] {
  return isNew ? [{ type: "chat_started" }, { type: "message" }] : [{ type: "message" }];
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
