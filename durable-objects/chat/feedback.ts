import { fail, ok, type Result } from "../../lib/errors";
import type { AnalyticsEvent } from "../../lib/analytics/events";
import type { ChatMessage, ReplyFeedback, ReplyVote } from "../../lib/schemas";
import { sql, type CountingSql, type RowCounts } from "../sql";
import { findKeyed } from "./store";
import { parseBuiltinReply, replyKind } from "../../lib/message-ids";

export { replyKind };

/**
 * The student's 👍/👎 on the chat's assistant replies: one row per rated reply
 * in the `feedback` table (store.ts MIGRATIONS), changeable, null clears it.
 * Each row keeps the reply's kind, a label read from how its id was made, so
 * the center can tell which kind of answer fails.
 */

const noReply = () => fail("not_found:message", "This chat has no assistant reply with that id.");

/** The vote on the reply with this id, looked up in the chat's newest page (memory) first, then in storage. */
export function rateReply(
  db: CountingSql,
  recent: ChatMessage[],
  input: { messageId: string; vote: ReplyVote | null; now: number },
): Result<ReplyFeedback & { before: ReplyVote | null; events: AnalyticsEvent[]; rows: RowCounts }> {
  const { result, rows } = db.measure(() => {
    const message = recent.find((candidate) => candidate.id === input.messageId) ?? findMessage(db, input.messageId);
    return new ChatFeedback(db).rate(message, input.vote, input.now);
  });
  return result.ok ? ok({ ...result.value, rows }) : result;
}

class ChatFeedback {
  constructor(private readonly db: CountingSql) {}

  /**
   * Sets, changes or (null) clears the vote on one assistant reply. One row
   * written per vote set or changed, one deleted per clear, none when the vote
   * is already so. `events`: the center-wide `feedback_up`/`feedback_down`
   * count a vote newly set or changed (up→down counts one `feedback_down`;
   * clearing counts nothing), and `reply_vote` carries the change per reply
   * kind (before → after), so per-kind counts are net.
   */
  rate(message: ChatMessage | undefined, vote: ReplyVote | null, now: number): Result<ReplyFeedback & { before: ReplyVote | null; events: AnalyticsEvent[] }> {
    if (!message || message.role !== "assistant") return noReply();
    const kind = replyKind(message.id);
    const stored = this.db.first<{ vote: string }>(sql`SELECT vote FROM feedback WHERE message_id = ${message.id}`)?.vote;
    const before: ReplyVote | null = stored === "up" || stored === "down" ? stored : null;
    const answer = { messageId: message.id, vote, kind, before };
    if (before === vote) return ok({ ...answer, events: [] });
    const change: AnalyticsEvent = { type: "reply_vote", kind, from: before, to: vote };
    if (vote === null) {
      this.db.run(sql`DELETE FROM feedback WHERE message_id = ${message.id}`);
      return ok({ ...answer, events: [change] });
    }
    this.db.run(
      sql`INSERT INTO feedback (message_id, vote, kind, at) VALUES (${message.id}, ${vote}, ${kind}, ${now})
          ON CONFLICT (message_id) DO UPDATE SET vote = excluded.vote, at = excluded.at`,
    );
    return ok({ ...answer, events: [{ type: vote === "up" ? "feedback_up" : "feedback_down" }, change] });
  }
}

/**
 * The stored message with this id, reading as few rows as the indexes allow:
 * a keyed id by its index; a built-in reply (not indexed) by its question's
 * seq, since a question and its replies are stored at consecutive seqs.
 */
export function findMessage(db: CountingSql, id: string): ChatMessage | undefined {
  const builtin = parseBuiltinReply(id);
  if (!builtin) return findKeyed(db, id);
  const question = findKeyed(db, builtin.messageId);
  if (!question) return undefined;
  const seq = question.seq + 1 + builtin.index;
  const row = db.first<{ seq: number; id: string; role: string; content: string; created_at: number }>(
    sql`SELECT seq, id, role, content, created_at FROM messages WHERE seq = ${seq} AND id = ${id}`,
  );
  return row && row.role === "assistant" ? { seq: row.seq, id: row.id, role: "assistant", content: row.content, createdAt: row.created_at } : undefined;
}
