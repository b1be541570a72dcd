import { DEFAULT_PERSONA, greetingText } from "../center/persona";
import { capitalize, formatDate, toClock, toMinutes } from "./clock";
import type { RankedMatch } from "./match";
import { DAY_PERIODS } from "./parse-when";
import type { SearchCriteria, SessionSlot, TutorMatch, TutorMode } from "./schemas";
import type { UnknownSubject } from "./unknown-subject";

/**
 * The assistant's wording in one place: plain text (the chat renders no
 * markdown), short, and the same phrase for the same situation everywhere.
 * What buttons and quick replies send is in `commands.ts`.
 */


/** What "any time" stores: the whole tutoring day. */
export const ANY_TIME = { timeFrom: "08:00", timeTo: "20:59" } as const;

/** The default greeting (lib/center/persona.ts); a center's own is `greetingText(policy.persona)`. */
export const INTRO = greetingText(DEFAULT_PERSONA);

export function modeText(mode: TutorMode | "online" | "in_person"): string {
  if (mode === "in_person") return "in person";
  if (mode === "both") return "online or in person";
  return "online";
}

/** "Monday, Nov 23 at 10:00–11:00". */
export function slotText(slot: SessionSlot): string {
  return `${formatDate(slot.date)} at ${slot.start}–${slot.end}`;
}

export function dayText(criteria: SearchCriteria): string {
  return criteria.day ? capitalize(criteria.day) : "any day";
}

/** How the student's time wish reads back: "at 10:00", "in the morning", "after 15:00". */
export function timeText(criteria: SearchCriteria): string {
  const { timeFrom, timeTo } = criteria;
  if (!timeFrom && !timeTo) return "";
  if (timeFrom === timeTo) return `at ${timeFrom}`;
  if (timeFrom === ANY_TIME.timeFrom && timeTo === ANY_TIME.timeTo) return "at any time";
  for (const [period, window] of Object.entries(DAY_PERIODS)) {
    if (window.timeFrom === timeFrom && window.timeTo === timeTo) return `in the ${period}`;
  }
  // Ranges and "before" store the latest start, an hour before the end the student said.
  const end = timeTo ? toClock(toMinutes(timeTo) + 60) : "";
  if (timeFrom && timeTo) return `between ${timeFrom} and ${end}`;
  if (timeFrom) return `after ${timeFrom}`;
  return `before ${end}`;
}

/** "A, B and C". */
export function listText(items: readonly string[], and = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1] ?? ""}`;
}

/** A subject the center does not offer, and the nearest ones it does: never "I didn't catch that". */
export function notOfferedText(unknown: UnknownSubject, nearest: readonly string[]): string {
  const missing = unknown.known ? `We don't offer ${unknown.name}.` : `We don't have a subject called "${unknown.name}".`;
  if (nearest.length === 0) return `${missing} I can leave a message for the tutoring center.`;
  return `${missing} We do offer ${listText(nearest)}. Would one of those help?`;
}

export function subjectOf(match: TutorMatch, criteria: SearchCriteria): string {
  const skill = criteria.skill?.toLowerCase();
  return match.tutor.subjects.find((subject) => subject.toLowerCase() === skill) ?? criteria.skill ?? match.tutor.subjects[0] ?? "";
}

/** The end of a window of starts: a named part of the day ends on the hour after its :59, a range an hour after its last start. */
function windowEnd(timeTo: string): string {
  const minutes = toMinutes(timeTo);
  return toClock(minutes % 60 === 59 ? minutes + 1 : minutes + 60);
}

/**
 * Where a search looked, said before an offer inside a window: "I looked between 13:00 and 17:00.",
 * "I looked after 15:00.", or the soonest ("The soonest I can book:"). Empty for an exact hour.
 */
export function searchedText(criteria: SearchCriteria, today: string): string {
  const { timeFrom, timeTo } = criteria;
  if (timeFrom === ANY_TIME.timeFrom && timeTo === ANY_TIME.timeTo) {
    if (!criteria.day && criteria.date === today) return "The soonest I can book: ";
    return criteria.date === today ? "The soonest today: " : "";
  }
  if (!timeFrom && !timeTo) return "";
  if (timeFrom === timeTo) return "";
  if (timeFrom && timeTo) return `I looked between ${timeFrom} and ${windowEnd(timeTo)}. `;
  if (timeFrom) return `I looked after ${timeFrom}. `;
  return `I looked before ${windowEnd(timeTo ?? "")}. `;
}

/** The reply that presents a match, honest about how well it fits; `only` is the one tutor asked for by name. */
export function matchSentence(ranked: RankedMatch, criteria: SearchCriteria, others = false, only?: string): string {
  const { match, kind } = ranked;
  const subject = subjectOf(match, criteria);
  const offer = `${match.tutor.name} is free ${slotText(match.slot)} (${modeText(match.tutor.mode)}). Want to book?`;
  const nobody = only ? `${only} isn't` : others ? `No other ${subject} tutor is` : `No ${subject} tutor is`;
  if (kind === "exact") {
    const sentence = `${match.tutor.name} teaches ${subject} and is free ${slotText(match.slot)} (${modeText(match.tutor.mode)}). Want to book?`;
    return others ? `Here's another option: ${sentence}` : sentence;
  }
  if (kind === "same_day") return `${nobody} free ${dayText(criteria)} ${timeText(criteria)}. The closest: ${offer}`;
  return `${nobody} free on ${dayText(criteria)}. The nearest opening: ${offer}`;
}

/** A match offered instead of a time the center's rules forbid (the rule is said just before). */
export function nearestAllowedSentence(ranked: RankedMatch, criteria: SearchCriteria): string {
  const { match } = ranked;
  return `The nearest time I can book: ${match.tutor.name} teaches ${subjectOf(match, criteria)} and is free ${slotText(match.slot)} (${modeText(match.tutor.mode)}). Want to book?`;
}

export function bookingSummary(input: {
  tutorName: string;
  subject: string;
  slot: SessionSlot;
  mode: "online" | "in_person";
  name: string;
  email: string;
  intake: string;
}): string {
  return [
    "Please check your booking:",
    `Tutor: ${input.tutorName}`,
    `Subject: ${input.subject}`,
    `When: ${slotText(input.slot)}`,
    `Where: ${capitalize(modeText(input.mode))}`,
    `Name: ${input.name}`,
    `Email: ${input.email}`,
    `Topic: ${input.intake}`,
    "Shall I book it?",
  ].join("\n");
}

/** The center (staff) cancelled the session: said in the student's chat, with the staff's reason. */
export function centerCancelledText(booking: { tutorName: string; slot: SessionSlot }, reason: string): string {
  return `The tutoring center cancelled your session with ${booking.tutorName} on ${slotText(booking.slot)}. Reason: ${reason}`;
}

/** A cancelled session, said the same way by the assistant and by My bookings' cancel. */
export function cancelledText(booking: { tutorName: string; slot: SessionSlot } | null): string {
  return `Your session${booking ? ` with ${booking.tutorName} on ${slotText(booking.slot)}` : ""} is cancelled.`;
}

/** The question before a cancel in the chat: nothing is cancelled until the student says yes. */
export function cancelQuestionText(booking: { tutorName: string; slot: SessionSlot }, subject: string | undefined): string {
  return `Cancel ${subject || "your session"} with ${booking.tutorName} on ${slotText(booking.slot)}? This can't be undone.`;
}

/** Said with the cancel question when the session starts inside the center's cutoff. */
export function lateCancelWarningText(cutoffHours: number): string {
  return `It's less than ${cutoffHours} hour${cutoffHours === 1 ? "" : "s"} before the start, so it will count as a late cancellation.`;
}

/** A change the student did not go ahead with (a cancel or a move): the booking as it stays. */
export function keptText(booking: { tutorName: string; slot: SessionSlot }): string {
  return `Okay, nothing changed: your session stays on ${slotText(booking.slot)} with ${booking.tutorName}.`;
}

/** Said after a cancel inside the center's cutoff (the cancel itself went through). */
export function lateCancelText(cutoffHours: number): string {
  return `It was less than ${cutoffHours} hour${cutoffHours === 1 ? "" : "s"} before the start, so it counts as a late cancellation.`;
}
