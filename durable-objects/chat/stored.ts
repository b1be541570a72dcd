import type { AnalyticsEvent } from "../../lib/analytics/events";
import type { SendResult } from "../../lib/schemas";
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
