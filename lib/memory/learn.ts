import { capitalize } from "../calendar";
import type { SessionSlot } from "../tutoring/schemas";
import { extractFacts } from "./extract";
import { MAX_FACTS_PER_EXCHANGE, type FactSource, type NewFact } from "./schemas";

/**
 * What one exchange teaches: the student's statements (lib/memory/extract.ts)
 * and what the turn did (a confirmed booking, a message left for staff; a
 * cancel or a move is learned by its booking id instead, from the effect:
 * lib/memory/booking-change.ts). Pure; the ChatSession sends the result to
 * the student's memory after the reply. A confirmed booking teaches 6 facts (name, email, subject,
 * tutor with its slot pattern and mode, preferred mode, last interaction) and
 * a message at most 4 more: MAX_FACTS_PER_EXCHANGE bounds the rows written.
 */

/** What the turn did that memory cares about (services/assistant-turn.ts fills it). */
export type TurnLesson =
  | {
      type: "booked";
      bookingId: string;
      tutorId: string;
      tutorName: string;
      subject: string;
      slot: SessionSlot;
      mode: "online" | "in_person";
      studentName: string;
      studentEmail: string;
    }
  | { type: "left_message" };

const BOOKED = 0.9;
/** A mode picked for one booking is a guess at a preference: whatever the student says outright wins. */
const GUESSED = 0.6;

function lessonFacts(lesson: TurnLesson, chatId: string, seq: number): NewFact[] {
  if (lesson.type === "left_message") {
    return [{ kind: "last_interaction", value: "Left a message for the tutoring center.", source: { type: "chat", chatId, seq }, confidence: BOOKED }];
  }
  const source: FactSource = { type: "booking", chatId, bookingId: lesson.bookingId };
  const when = `${capitalize(lesson.slot.day)} ${lesson.slot.start}`;
  const subject = lesson.subject || "a session";
  const tutor: NewFact = {
    kind: "tutor",
    value: lesson.tutorName,
    detail: {
      tutorId: lesson.tutorId,
      subject: lesson.subject,
      day: lesson.slot.day,
      start: lesson.slot.start,
      mode: lesson.mode,
      outcome: "booked",
      bookingId: lesson.bookingId,
    },
    source,
    confidence: BOOKED,
  };
  return [
    { kind: "name", value: lesson.studentName, source, confidence: BOOKED },
    { kind: "email", value: lesson.studentEmail, source, confidence: BOOKED },
    ...(lesson.subject ? [{ kind: "subject" as const, value: lesson.subject, source, confidence: BOOKED }] : []),
    tutor,
    { kind: "preferred_mode", value: lesson.mode, source, confidence: GUESSED },
    { kind: "last_interaction", value: `Booked ${subject} with ${lesson.tutorName}, ${when}.`, source, confidence: BOOKED },
  ];
}

/** The facts one exchange proposes (none for most), statements first so the turn's own record is last. */
export function factsFromExchange(input: { chatId: string; seq: number; message: string; lesson?: TurnLesson }): NewFact[] {
  const said: NewFact[] = extractFacts(input.message).map((fact) => ({ ...fact, source: { type: "chat", chatId: input.chatId, seq: input.seq } }));
  const done = input.lesson ? lessonFacts(input.lesson, input.chatId, input.seq) : [];
  return [...said, ...done].slice(-MAX_FACTS_PER_EXCHANGE);
}
