import { z } from "../zod";
import { ReplyVote } from "../schemas";

/**
 * The analytics wire shapes, shared by the emitters (sidecar), the Analytics
 * Durable Object and the staff console. Events form a closed set: an unknown
 * name is refused at the object's door instead of growing a counter nobody charts.
 */

/** Events that only add one to their counter. */
export const PLAIN_EVENTS = [
  "chat_started",
  /** a student's message (assistant, bot and staff replies are not counted) */
  "message",
  "booking_made",
  /** every cancel: by the student (chat or My bookings) or by staff */
  "booking_cancelled",
  /** of those, a student's cancel after the center's cutoff (counted in booking_cancelled too) */
  "booking_late_cancelled",
  /** a confirmed booking moved to another slot (chat), counted once per move, not per retry */
  "booking_moved",
  "no_show",
  /** a queued "leave a message for the center" */
  "handoff",
  /** a student's 👍/👎 on an assistant reply, newly set or changed (Sidecar.rateReply); a clear counts nothing */
  "feedback_up",
  "feedback_down",
] as const;

export type PlainEventType = (typeof PLAIN_EVENTS)[number];

/**
 * What kind of assistant message a vote is on, read from how its id was made
 * (durable-objects/chat/feedback.ts `replyKind`): the built-in assistant's
 * replies, an outside bot's or a staff member's answers, cancellation notices,
 * "nobody could answer" notices, anything else.
 */
export const REPLY_KINDS = ["assistant", "bot", "cancel_notice", "unanswered", "other", "waitlist_notice"] as const;
export const ReplyKind = z.enum(REPLY_KINDS);
export type ReplyKind = z.infer<typeof ReplyKind>;

/** The per-kind vote counters: `feedback_up_assistant`, `feedback_down_bot`, … (net changes; see `increments`). */
export type KindCounter = `feedback_${ReplyVote}_${ReplyKind}`;
export const KIND_COUNTERS: readonly KindCounter[] = REPLY_KINDS.flatMap((kind) => [`feedback_up_${kind}`, `feedback_down_${kind}`] as const);
export const kindCounter = (vote: ReplyVote, kind: ReplyKind): KindCounter => `feedback_${vote}_${kind}`;

/** The longest wait for a first staff reply we count (older hand-offs are still counted, capped). */
export const MAX_REPLY_WAIT_MS = 366 * 24 * 60 * 60_000;

export const AnalyticsEvent = z.union([
  z.object({ type: z.enum(PLAIN_EVENTS) }).strict(),
  /** Staff's first reply to a hand-off, `durationMs` after the student left it. */
  z.object({ type: z.literal("staff_first_reply"), durationMs: z.number().int().nonnegative().max(MAX_REPLY_WAIT_MS) }).strict(),
  /** A reply's vote went `from` → `to` (null: none): set, changed or cleared (Sidecar.rateReply). */
  z.object({ type: z.literal("reply_vote"), kind: ReplyKind, from: ReplyVote.nullable(), to: ReplyVote.nullable() }).strict(),
]);
export type AnalyticsEvent = z.infer<typeof AnalyticsEvent>;
export type AnalyticsEventType = AnalyticsEvent["type"];

/** One request's events travel in one call. */
export const MAX_EVENTS_PER_CALL = 100;
export const AnalyticsBatch = z.array(AnalyticsEvent).min(1).max(MAX_EVENTS_PER_CALL);

/** A call's idempotency key: the same key sent again (a retry) is counted once. */
export const RecordKey = z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, "1–64 letters, digits, ':', '_' or '-'.");

/**
 * What is stored per hour: one count per plain event type, the sum of the
 * first-reply waits, so an average over any range is exact (sum / count), and
 * the net 👍/👎 per reply kind.
 */
export type Counter = PlainEventType | "staff_first_reply" | "staff_first_reply_ms" | KindCounter;
export const COUNTERS: readonly [Counter, ...Counter[]] = [...PLAIN_EVENTS, "staff_first_reply", "staff_first_reply_ms", ...KIND_COUNTERS];
export type Counts = Record<Counter, number>;

export const isCounter = (name: string): name is Counter => (COUNTERS as readonly string[]).includes(name);

export function emptyCounts(): Counts {
  return Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Counts;
}

/** The counters (and amounts) one event adds to. */
export function increments(event: AnalyticsEvent): [Counter, number][] {
  if (event.type === "staff_first_reply") {
    return [
      ["staff_first_reply", 1],
      ["staff_first_reply_ms", event.durationMs],
    ];
  }
  if (event.type === "reply_vote") {
    // Net counts: a vote set adds one to its side, a clear takes one away, a change does both
    // (👍→👎 moves one from up to down). So a kind's counts over a range are the votes that
    // came to stand in it, minus those taken back in it.
    if (event.from === event.to) return [];
    return [
      ...(event.from ? ([[kindCounter(event.from, event.kind), -1]] as [Counter, number][]) : []),
      ...(event.to ? ([[kindCounter(event.to, event.kind), 1]] as [Counter, number][]) : []),
    ];
  }
  return [[event.type, 1]];
}

export const Granularity = z.enum(["hour", "day"]);
export type Granularity = z.infer<typeof Granularity>;

/** The longest range per granularity: 7 days of hours (168 points), 92 days of days. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 7, day: 92 };

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  }, "Not a calendar date.");

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** A chart's range: whole days `from`..`to` (inclusive) in the center's time zone. */
export const AnalyticsQuery = z
  .object({ from: LocalDate, to: LocalDate, granularity: Granularity })
  .strict()
  .superRefine((query, context) => {
    const days = dayNumber(query.to) - dayNumber(query.from) + 1;
    if (days < 1) context.addIssue({ code: "custom", path: ["to"], message: "`to` is before `from`." });
    else if (days > MAX_RANGE_DAYS[query.granularity]) {
      context.addIssue({ code: "custom", path: ["to"], message: `At most ${MAX_RANGE_DAYS[query.granularity]} days by ${query.granularity}.` });
    }
  });
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

export interface SeriesBucket {
  /** UTC epoch ms of the bucket's start. */
  start: number;
  /** Local time in the center's zone: `2026-11-23` for a day, `2026-11-23T14:00-08:00` for an hour. */
  label: string;
  counts: Counts;
}

export interface AnalyticsSeries {
  timeZone: string;
  /** The center's local date when this was read: what "the last 7 days" ends with. */
  today: string;
  granularity: Granularity;
  from: string;
  to: string;
  buckets: SeriesBucket[];
  totals: Counts;
}

/** The series as the console reads it back (zod on read: the page trusts no shape it did not check). */
export const AnalyticsSeriesSchema = z.object({
  timeZone: z.string(),
  today: z.string(),
  granularity: Granularity,
  from: z.string(),
  to: z.string(),
  buckets: z.array(z.object({ start: z.number(), label: z.string(), counts: z.record(z.enum(COUNTERS), z.number()) })),
  totals: z.record(z.enum(COUNTERS), z.number()),
});
