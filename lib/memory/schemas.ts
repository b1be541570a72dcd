import { z } from "../zod";
import { SessionId } from "../schemas";
import { ClockTime, Weekday } from "../tutoring/schemas";

/**
 * What the assistant remembers about a student (durable-objects/student-memory.ts):
 * structured facts, each with where it came from, when it was learned and how
 * sure we are. Stored JSON and RPC arguments are parsed with these schemas on
 * the way in and on the way out.
 */

export const FACT_KINDS = [
  "name",
  "email",
  "subject",
  "tutor",
  "preferred_day",
  "preferred_time",
  "preferred_mode",
  "goal",
  "avoid_tutor",
  "avoid_time",
  "last_interaction",
  /** A short summary of the student written by a model (lib/memory/summary.ts); only the object writes it. */
  "summary",
] as const;
export const FactKind = z.enum(FACT_KINDS);
export type FactKind = z.infer<typeof FactKind>;

/** Kinds that hold one value; a new one replaces the old. The others hold several (one row per value). */
export const SINGLE_KINDS: ReadonlySet<FactKind> = new Set<FactKind>(["name", "email", "preferred_day", "preferred_time", "preferred_mode", "last_interaction", "summary"]);

export const TutorOutcome = z.enum(["booked", "cancelled", "attended", "no_show"]);
export type TutorOutcome = z.infer<typeof TutorOutcome>;

/** Who cancelled a session: the student's own cancel ends the preference, the center's does not. */
export const CancelledBy = z.enum(["student", "center"]);
export type CancelledBy = z.infer<typeof CancelledBy>;

/** A tutor fact's particulars: the last session's pattern (weekday + start) and how it ended. */
export const TutorDetail = z.object({
  tutorId: z.string().min(1).max(64),
  subject: z.string().max(80),
  day: Weekday,
  start: ClockTime,
  mode: z.enum(["online", "in_person"]),
  outcome: TutorOutcome,
  bookingId: z.string().max(64).optional(),
  /** With outcome "cancelled": who cancelled (absent in facts stored before it was kept: read as the student). */
  cancelledBy: CancelledBy.optional(),
});
export type TutorDetail = z.infer<typeof TutorDetail>;

/**
 * Where a fact came from: a chat message (chat id + its seq), a confirmed booking, the student's own
 * edit, or a model (the optional summary, ASSISTANT_MEMORY=llm).
 */
export const FactSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("chat"), chatId: SessionId, seq: z.number().int().positive() }),
  z.object({ type: z.literal("booking"), chatId: SessionId.optional(), bookingId: z.string().max(64).optional() }),
  z.object({ type: z.literal("student_edit") }),
  z.object({ type: z.literal("model") }),
]);
export type FactSource = z.infer<typeof FactSource>;

export const FACT_VALUE_MAX = 200;

/** A fact learning proposes: the object decides whether it changes anything. */
export const NewFact = z
  .object({
    kind: FactKind,
    value: z.string().trim().min(1).max(FACT_VALUE_MAX),
    detail: TutorDetail.optional(),
    source: FactSource,
    confidence: z.number().min(0).max(1),
  })
  .refine((fact) => (fact.kind === "tutor") === (fact.detail !== undefined), "a tutor fact, and only a tutor fact, carries a detail")
  // The model's summary is written by the memory object itself, never sent in by a learning call.
  .refine((fact) => fact.kind !== "summary" && fact.source.type !== "model", "a summary is written by the memory itself");
export type NewFact = z.infer<typeof NewFact>;

/** At most this many facts per learning call: one exchange's statements plus a booking. */
export const MAX_FACTS_PER_EXCHANGE = 10;
export const NewFacts = z.array(NewFact).min(1).max(MAX_FACTS_PER_EXCHANGE);

export const StudentFact = z.object({
  /** The kind for a single-valued kind, else `kind:key` (stable: learning the same thing again finds it). */
  id: z.string().min(1).max(120),
  kind: FactKind,
  value: z.string().max(FACT_VALUE_MAX),
  detail: TutorDetail.optional(),
  source: FactSource,
  learnedAt: z.number().int().nonnegative(),
  confidence: z.number().min(0).max(1),
});
export type StudentFact = z.infer<typeof StudentFact>;

export const FactId = z.string().min(1).max(120);

/** A booking's outcome learned outside the chat (`StudentMemory.settle`); `cancelledBy` only with "cancelled". */
export const SettledBooking = z
  .object({ bookingId: z.string().min(1).max(64), outcome: TutorOutcome, cancelledBy: CancelledBy.optional() })
  .refine((settled) => settled.cancelledBy === undefined || settled.outcome === "cancelled", "only a cancel says who cancelled");
export type SettledBooking = z.infer<typeof SettledBooking>;

/** A booking moved to another slot, maybe another tutor (`StudentMemory.moved`): its weekly hour and tutor become these. */
export const MovedBooking = z.object({
  bookingId: z.string().min(1).max(64),
  to: z.object({ tutorId: z.string().min(1).max(64), tutorName: z.string().trim().min(1).max(FACT_VALUE_MAX), day: Weekday, start: ClockTime }),
});
export type MovedBooking = z.infer<typeof MovedBooking>;
