import { z } from "../zod";
import { increments, isCounter, type AnalyticsEvent, type Counter } from "./events";
import { hourBucket } from "./series";

/**
 * A chat's counts, reported in batches. Each ChatSession stores what its
 * messages started beside the message itself (no row of its own) and sends
 * the not-yet-reported counts to Analytics from its alarm, grouped by the UTC
 * hour they happened in. A batch is numbered per chat (`seq`) and says up to
 * which message it reaches (`through`): Analytics remembers both with the
 * counts, so a batch sent again (its answer was lost, perhaps rebuilt after an
 * eviction with later messages in it) is applied once, and the chat learns
 * which messages that first application covered.
 */

/** Counts by counter, as one batch carries them for one hour (net vote counters may be negative). */
export const HourCounts = z
  .record(z.string(), z.number().int())
  .refine((counts) => Object.keys(counts).every(isCounter), "Unknown counter.") as unknown as z.ZodType<Partial<Record<Counter, number>>>;
export type HourCounts = Partial<Record<Counter, number>>;

/** The most hours one batch carries (a chat's pending counts span minutes; a clear's carry and a slow retry, a few hours). */
export const MAX_BATCH_HOURS = 48;

export const ChatBatch = z
  .object({
    chatId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    seq: z.number().int().positive(),
    /** The newest message seq whose counts are inside. */
    through: z.number().int().nonnegative(),
    hours: z
      .array(z.object({ bucket: z.number().int().nonnegative(), counts: HourCounts }).strict())
      .min(1)
      .max(MAX_BATCH_HOURS),
  })
  .strict();
export type ChatBatch = z.infer<typeof ChatBatch>;

/** What Analytics answers: `through` is the message seq the applied batch of this number reached (the first attempt's, on a repeat). */
export interface BatchReceipt {
  repeated: boolean;
  through: number;
}

/** The key a batch leaves in each hour it adds to: `b:{chat}:{seq}:{through}`. */
export const batchKey = (batch: Pick<ChatBatch, "chatId" | "seq" | "through">): string => `b:${batch.chatId}:${batch.seq}:${batch.through}`;

/** The `through` of a stored key of this chat's batch `seq`, if `key` is one. */
export function throughOf(key: string, batch: Pick<ChatBatch, "chatId" | "seq">): number | null {
  const prefix = `b:${batch.chatId}:${batch.seq}:`;
  if (!key.startsWith(prefix)) return null;
  const through = Number(key.slice(prefix.length));
  return Number.isSafeInteger(through) ? through : null;
}

/** A message's events as the counters they add to (stored with the message). */
export function countsOf(events: readonly AnalyticsEvent[]): HourCounts {
  const counts: HourCounts = {};
  for (const event of events) for (const [counter, amount] of increments(event)) counts[counter] = (counts[counter] ?? 0) + amount;
  return counts;
}

/** Hour → counts, as pending counts are folded (by bucket). */
export type PendingHours = Map<number, HourCounts>;

/** Adds `counts` at instant `at` (or at an hour's start) to `into`. */
export function addPending(into: PendingHours, at: number, counts: HourCounts): void {
  const bucket = hourBucket(at);
  const hour = into.get(bucket) ?? {};
  for (const [counter, amount] of Object.entries(counts) as [Counter, number][]) hour[counter] = (hour[counter] ?? 0) + amount;
  into.set(bucket, hour);
}

/** The pending hours as a batch's `hours` (oldest first, counters that net to zero left out, empty hours dropped). */
export function batchHours(pending: PendingHours): ChatBatch["hours"] {
  return [...pending.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, counts]) => ({ bucket, counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0)) as HourCounts }))
    .filter((hour) => Object.keys(hour.counts).length > 0);
}

/** Stored JSON of pending hours (what a clear() keeps in the session row): a batch's `hours`. */
export const StoredPending = z.array(z.object({ bucket: z.number().int(), counts: HourCounts }));
