import { z } from "zod";

/**
 * The history both designs are seeded with, generated from the same numbers
 * so the real queue and the baseline hold the same conversations, message ids
 * and order. Timestamps are synthetic (baseTime + position) so the baseline's
 * timestamp cursor and the queue's seq cursor point at the same entries.
 */
export const SeedBatch = z
  .object({
    /** Index of the first conversation of this batch. */
    first: z.number().int().nonnegative(),
    count: z.number().int().min(1).max(1_000),
    /** Answered questions per conversation: each is 2 feed entries (question + reply). */
    exchanges: z.number().int().min(0).max(100),
    /** Every `pendingEvery`-th conversation also ends with an unanswered question. */
    pendingEvery: z.number().int().min(1),
    /** Epoch ms before any seeded timestamp; also part of every session id. */
    baseTime: z.number().int().min(1e12).max(9e12),
  })
  .strict();
export type SeedBatch = z.infer<typeof SeedBatch>;

export interface PlannedConversation {
  sessionId: string;
  exchanges: { messageId: string; content: string; createdAt: number; reply: string; repliedAt: number }[];
  pending: { messageId: string; content: string; createdAt: number; priority: number } | null;
}

/** What a design answers after seeding a batch. */
export interface SeedSummary {
  sessionIds: string[];
  /** The feed cursor of the newest entry: a seq for the queue, a timestamp for the baseline. */
  lastCursor: number;
}

/** A valid SessionId (`session-{13 digits}-{32 hex}`), the same for a conversation index in every run. */
export function sessionIdFor(baseTime: number, conversation: number): string {
  return `session-${baseTime}-${conversation.toString(16).padStart(32, "0")}`;
}

export function* planConversations(batch: SeedBatch): Generator<PlannedConversation> {
  // Entries before conversation c: its predecessors' exchanges, plus one for each that has a pending question.
  // Timestamps have no gaps, so "cursor - n" is n entries back in both designs.
  const offset = (c: number) => c * 2 * batch.exchanges + Math.ceil(c / batch.pendingEvery);
  for (let c = batch.first; c < batch.first + batch.count; c++) {
    const at = (slot: number) => batch.baseTime + offset(c) + slot;
    const exchanges = Array.from({ length: batch.exchanges }, (_, turn) => ({
      messageId: `seed-${c}-${turn}`,
      content: `Question ${turn} of conversation ${c}: which tutor covers algebra on weekday evenings?`,
      createdAt: at(2 * turn),
      reply: `Answer ${turn} to conversation ${c}: two tutors match; Ana has Tuesday 18:00 free.`,
      repliedAt: at(2 * turn + 1),
    }));
    const pending =
      c % batch.pendingEvery === 0
        ? { messageId: `seed-${c}-open`, content: `Open question of conversation ${c}`, createdAt: at(2 * batch.exchanges), priority: 1 + (c % 10) }
        : null;
    yield { sessionId: sessionIdFor(batch.baseTime, c), exchanges, pending };
  }
}
