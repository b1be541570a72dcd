import { z } from "../zod";

/**
 * Wire and stored shapes of the tutoring domain: tutors, the student's search,
 * the pending match and the multi-step booking form. Both workers and the
 * browser import these; types are inferred, never written twice.
 */

/** The languages the assistant answers in; each has its phrasings in lib/tutoring/phrases/. */
export const LANGUAGE_CODES = ["en", "es"] as const;
export const Language = z.enum(LANGUAGE_CODES);
export type Language = z.infer<typeof Language>;

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** 24-hour "HH:MM". */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24-hour)");

export const TutorMode = z.enum(["online", "in_person", "both"]);
export type TutorMode = z.infer<typeof TutorMode>;

export const AvailabilitySlot = z.object({
  day: Weekday,
  start: ClockTime,
  end: ClockTime,
});
export type AvailabilitySlot = z.infer<typeof AvailabilitySlot>;

export const Tutor = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  subjects: z.array(z.string().min(1).max(80)).min(1).max(30),
  bio: z.string().max(600),
  mode: TutorMode,
  availability: z.array(AvailabilitySlot).max(60),
});
export type Tutor = z.infer<typeof Tutor>;

/** A concrete bookable hour with one tutor. */
export const SessionSlot = z.object({
  day: Weekday,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: ClockTime,
  end: ClockTime,
});
export type SessionSlot = z.infer<typeof SessionSlot>;

/** A slot someone else holds, as the chat remembers it for "Join the waitlist" (the form's details ride along). */
export const WaitForSlot = z.object({
  tutorId: z.string().min(1).max(64),
  tutorName: z.string().max(120),
  slot: SessionSlot,
  studentName: z.string().max(120).optional(),
  studentEmail: z.string().max(254).optional(),
  mode: z.enum(["online", "in_person"]).optional(),
  intake: z.string().max(1000).optional(),
});
export type WaitForSlot = z.infer<typeof WaitForSlot>;

/** The longest message passed on to the center; a longer one is sent back to be shortened, never cut. */
export const MAX_HANDOFF_CHARS = 2_000;

/**
 * A message for the tutoring center being written (lib/tutoring/handoff-flow.ts): asked for
 * (`ask`), or shown back for a yes (`confirm`, with the student's words as they will be sent).
 */
export const HandoffDraft = z.object({
  step: z.enum(["ask", "confirm"]),
  words: z.string().min(1).max(MAX_HANDOFF_CHARS).optional(),
});
export type HandoffDraft = z.infer<typeof HandoffDraft>;

/** What the student asked for; every part optional until the assistant has asked for it. */
export const SearchCriteria = z.object({
  skill: z.string().min(1).max(80).optional(),
  day: Weekday.optional(),
  /** Calendar date the day resolved to (YYYY-MM-DD), when known. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** Earliest acceptable start, inclusive. */
  timeFrom: ClockTime.optional(),
  /** Latest acceptable start, inclusive. */
  timeTo: ClockTime.optional(),
  /** A tutor asked for by name ("Maya again"): the search offers them first. */
  tutorName: z.string().min(1).max(120).optional(),
  /** Where the student wants to meet: the search offers tutors who meet that way. */
  mode: z.enum(["online", "in_person"]).optional(),
  /** The language the chat is answered in (lib/tutoring/language.ts); absent is English. */
  lang: Language.optional(),
  /** Tutor ids already shown for this search, so "other tutors" never repeats one. */
  excludeTutorIds: z.array(z.string().max(64)).max(100).default([]),
  /** Messages in a row the assistant could not understand; from two on it offers to leave a message for staff. */
  misses: z.number().int().min(0).max(100).optional(),
  /** The slot that was just taken from under the student: "Join the waitlist" joins its line. */
  waitFor: WaitForSlot.optional(),
  /** A message for the tutoring center in the making: the next message answers it, not the search. */
  handoff: HandoffDraft.optional(),
});
export type SearchCriteria = z.infer<typeof SearchCriteria>;

export const TutorMatch = z.object({
  tutor: Tutor,
  slot: SessionSlot,
  /** Higher is better; only meaningful within one search. */
  score: z.number(),
  /** Short human reason ("teaches Python, free Monday 10:00"). */
  reason: z.string().max(300),
});
export type TutorMatch = z.infer<typeof TutorMatch>;

export const BookingStep = z.enum(["confirm_slot", "contact", "details", "review", "confirmed", "cancelled"]);
export type BookingStep = z.infer<typeof BookingStep>;

/** A free slot offered for moving a confirmed booking: the same tutor's first, then others teaching the subject. */
export const MoveOption = z.object({
  tutorId: z.string().max(64),
  tutorName: z.string().max(120),
  slot: SessionSlot,
});
export type MoveOption = z.infer<typeof MoveOption>;

export const BookingInfo = z.object({
  step: BookingStep,
  tutorId: z.string().max(64),
  tutorName: z.string().max(120),
  slot: SessionSlot,
  studentName: z.string().max(120).optional(),
  studentEmail: z.string().max(254).optional(),
  mode: z.enum(["online", "in_person"]).optional(),
  intake: z.string().max(1000).optional(),
  bookingId: z.string().max(64).optional(),
  /** The booking's short reference ("K7MQ-2XPD"), shown as its booking number; the id stays its key. */
  reference: z.string().max(16).optional(),
  meetingLink: z.string().max(500).optional(),
  /** A confirmed booking's move in progress: the slots offered, the first the one asked about (lib/tutoring/move-flow.ts). */
  moveOptions: z.array(MoveOption).max(6).optional(),
  /** The assistant asked "Cancel …? This can't be undone." and waits for yes or no (lib/tutoring/cancel-flow.ts). */
  cancelAsked: z.literal(true).optional(),
  /** Where the booking was before its latest move, for "moved from Mon 10:00". */
  movedFrom: SessionSlot.optional(),
  /** The form was opened by a waitlist offer: a booking made from it tells the slot's Waitlist. */
  fromWaitlist: z.boolean().optional(),
});
export type BookingInfo = z.infer<typeof BookingInfo>;
