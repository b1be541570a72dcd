import { DEFAULT_PERSONA, greetingText } from "../center/persona";
import type { RankedMatch } from "./match";
import { EN } from "./phrases/en";
import type { Phrases } from "./phrases/types";
import type { SearchCriteria, SessionSlot, TutorMatch, TutorMode } from "./schemas";

/**
 * The assistant's wording, by the situation it is said in. Each language's
 * sentences are in lib/tutoring/phrases/ (en.ts, es.ts); these helpers say
 * them in English unless given a language's phrasings (`say`), which is how
 * the sidecar's notices and the older callers keep their English.
 * What buttons and quick replies send is in `commands.ts`.
 */

export { ANY_TIME } from "./phrases/shared";

/** The default greeting (lib/center/persona.ts); a center's own is `greetingText(policy.persona)`. */
export const INTRO = greetingText(DEFAULT_PERSONA);

export function modeText(mode: TutorMode | "online" | "in_person", say: Phrases = EN): string {
  return say.mode(mode);
}

/** "Monday, Nov 23 at 10:00–11:00". */
export function slotText(slot: SessionSlot, say: Phrases = EN): string {
  return say.slot(slot);
}

export function dayText(criteria: SearchCriteria, say: Phrases = EN): string {
  return criteria.day ? say.dayName(criteria.day) : say.anyDay;
}

/** How the student's time wish reads back: "at 10:00", "in the morning", "after 15:00". */
export function timeText(criteria: SearchCriteria, say: Phrases = EN): string {
  return say.timeWish(criteria);
}

export function subjectOf(match: TutorMatch, criteria: SearchCriteria): string {
  const skill = criteria.skill?.toLowerCase();
  return match.tutor.subjects.find((subject) => subject.toLowerCase() === skill) ?? criteria.skill ?? match.tutor.subjects[0] ?? "";
}

/** The reply that presents a match, honest about how well it fits; `only` is the one tutor asked for by name. */
export function matchSentence(ranked: RankedMatch, criteria: SearchCriteria, others = false, only?: string, say: Phrases = EN): string {
  return say.match(ranked, subjectOf(ranked.match, criteria), criteria, others, only);
}

/** A match offered instead of a time the center's rules forbid (the rule is said just before). */
export function nearestAllowedSentence(ranked: RankedMatch, criteria: SearchCriteria, say: Phrases = EN): string {
  return say.nearestAllowed(ranked, subjectOf(ranked.match, criteria));
}

/** The center (staff) cancelled the session: said in the student's chat, with the staff's reason. */
export function centerCancelledText(booking: { tutorName: string; slot: SessionSlot }, reason: string, say: Phrases = EN): string {
  return say.centerCancelled(booking, reason);
}

/** The session was moved outside the chat (the link in an email): said in the chat that booked it. */
export function movedElsewhereText(move: { tutorName: string; slot: SessionSlot; from: SessionSlot }): string {
  return `Your session is moved to ${slotText(move.slot)} with ${move.tutorName} (moved from ${slotText(move.from)}), from the link in your email.`;
}

/** A cancelled session, said the same way by the assistant and by My bookings' cancel. */
export function cancelledText(booking: { tutorName: string; slot: SessionSlot } | null, say: Phrases = EN): string {
  return say.cancelled(booking);
}

/** A change the student did not go ahead with (a cancel or a move): the booking as it stays. */
export function keptText(booking: { tutorName: string; slot: SessionSlot }, say: Phrases = EN): string {
  return say.kept(booking);
}

/** Said after a cancel inside the center's cutoff (the cancel itself went through). */
export function lateCancelText(cutoffHours: number, say: Phrases = EN): string {
  return say.lateCancel(cutoffHours);
}
