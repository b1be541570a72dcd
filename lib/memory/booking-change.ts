import { capitalize } from "../calendar";
import { factId } from "./facts";
import type { MovedBooking, NewFact, SettledBooking, StudentFact, TutorDetail } from "./schemas";

/**
 * What a booking's later life teaches the memory (`StudentMemory.settle` and `moved`): the tutor
 * fact that remembers that booking (found by its booking id, so a fact the student deleted, or one
 * a newer booking with the same tutor has taken over, is left alone) takes the change. Pure: the
 * Durable Object plans and writes the answer like any other facts.
 *
 * - a cancel by the student: the session is marked cancelled (not offered "again"), and the last
 *   interaction says so;
 * - a cancel by the center: marked cancelled by the center, still the pattern offered again (the
 *   student did not change their mind); not the student's interaction;
 * - attended or no-show: the outcome;
 * - a move: the fact's weekly hour and tutor become the new ones (to another tutor, the fact moves
 *   to that tutor's id and the old tutor's is dropped), and the last interaction says so.
 */

export interface BookingLesson {
  facts: NewFact[];
  /** Fact ids to delete (the old tutor's fact after a move to another tutor). */
  drop: string[];
}

const NOTHING: BookingLesson = { facts: [], drop: [] };

function rememberedBooking(facts: Iterable<StudentFact>, bookingId: string): (StudentFact & { detail: TutorDetail }) | undefined {
  for (const fact of facts) if (fact.kind === "tutor" && fact.detail?.bookingId === bookingId) return { ...fact, detail: fact.detail };
  return undefined;
}

function lastInteraction(text: string, bookingId: string, confidence: number): NewFact {
  return { kind: "last_interaction", value: text, source: { type: "booking", bookingId }, confidence };
}

/** A session as the last interaction says it: "Physics with Nikolai Petrov". */
function sessionWords(detail: TutorDetail, tutorName: string): string {
  return `${detail.subject || "a session"} with ${tutorName}`;
}

export function settledLesson(facts: Iterable<StudentFact>, settled: SettledBooking): BookingLesson {
  const fact = rememberedBooking(facts, settled.bookingId);
  if (!fact) return NOTHING;
  const { cancelledBy: _before, ...detail } = fact.detail;
  const cancelledBy = settled.outcome === "cancelled" ? (settled.cancelledBy ?? "student") : undefined;
  const tutor: NewFact = {
    kind: "tutor",
    value: fact.value,
    detail: { ...detail, outcome: settled.outcome, ...(cancelledBy ? { cancelledBy } : {}) },
    source: { type: "booking", bookingId: settled.bookingId },
    confidence: fact.confidence,
  };
  if (cancelledBy !== "student") return { facts: [tutor], drop: [] };
  const when = `${capitalize(detail.day)} ${detail.start}`;
  return { facts: [tutor, lastInteraction(`Cancelled ${sessionWords(detail, fact.value)}, ${when}.`, settled.bookingId, fact.confidence)], drop: [] };
}

export function movedLesson(facts: Iterable<StudentFact>, moved: MovedBooking): BookingLesson {
  const fact = rememberedBooking(facts, moved.bookingId);
  if (!fact) return NOTHING;
  const { cancelledBy: _cancelled, ...detail } = fact.detail;
  const { to } = moved;
  const tutor: NewFact = {
    kind: "tutor",
    value: to.tutorName,
    detail: { ...detail, tutorId: to.tutorId, day: to.day, start: to.start, outcome: "booked" },
    source: { type: "booking", bookingId: moved.bookingId },
    confidence: fact.confidence,
  };
  const text = `Moved ${sessionWords(detail, to.tutorName)} to ${capitalize(to.day)} ${to.start}.`;
  return { facts: [tutor, lastInteraction(text, moved.bookingId, fact.confidence)], drop: factId(tutor) === fact.id ? [] : [fact.id] };
}
