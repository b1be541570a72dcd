import type { LastSession, MemoryView } from "../memory/view";
import { nextDateFor, toClock, toMinutes } from "../calendar";
import { rankTutors, SESSION_MINUTES } from "./match";
import { EN } from "./phrases/en";
import type { Phrases } from "./phrases/types";
import type { SearchCriteria, Tutor } from "./schemas";
import { avoidOf, subjectQuickReplies } from "./search-flow";
import { turn } from "./turn-context";
import type { AssistantTurn, TurnContext } from "./turn-types";

/**
 * A fresh chat for a student the assistant remembers: greet them by name and
 * make one concrete offer from their history ("Python with Maya Chen again,
 * Monday, Nov 30 at 10:00?"). The offer is the booking form's first step, so
 * "yes" goes straight on to the contact details. It is made only if that tutor
 * still teaches the subject (retired tutors are not in the catalog), the same
 * weekly hour is free and the center's rules allow it; otherwise the nearest
 * alternative for the same subject, day and time; otherwise just the greeting.
 */

/** Whether the tutor's weekly hours still hold a whole session at the remembered hour. */
function teachesAt(tutor: Tutor, last: LastSession): boolean {
  const start = toMinutes(last.start);
  return tutor.availability.some((range) => range.day === last.day && toMinutes(range.start) <= start && toMinutes(range.end) >= start + SESSION_MINUTES);
}

export function welcomeLine(memory: MemoryView, say: Phrases = EN): string {
  return say.welcomeBack(memory.name?.split(" ")[0]);
}

export async function welcomeBack(ctx: TurnContext, memory: MemoryView): Promise<AssistantTurn> {
  const { say } = ctx;
  const hello = welcomeLine(memory, say);
  const last = memory.lastSession;
  const ask = () => turn(`${hello} ${say.tone[ctx.policy.persona.tone].askSubject}`, subjectQuickReplies(ctx.subjects), { searchCriteria: { excludeTutorIds: [] } });
  if (!last || !last.subject) return ask();
  const criteria: SearchCriteria = {
    skill: last.subject,
    day: last.day,
    date: nextDateFor(last.day, ctx.today.date),
    timeFrom: last.start,
    timeTo: last.start,
    excludeTutorIds: [],
  };
  const tutors = await ctx.catalog.findBySkill(last.subject);
  const booked = tutors.length ? await ctx.catalog.bookedSlots(tutors.map((tutor) => tutor.id), ctx.today.date) : [];
  const options = { today: ctx.today, limit: 5, booked, policy: { rules: ctx.policy, now: ctx.now }, avoid: avoidOf(ctx) };
  // The same tutor at the same weekly hour only: the nearest week where it is free and allowed.
  const remembered = tutors.find((tutor) => tutor.id === last.tutorId);
  const sameHour = remembered && teachesAt(remembered, last) ? [{ ...remembered, availability: [{ day: last.day, start: last.start, end: toClock(toMinutes(last.start) + SESSION_MINUTES) }] }] : [];
  const same = rankTutors(sameHour, criteria, options).find(({ match }) => match.slot.start === last.start);
  const ranked = rankTutors(tutors, criteria, options);
  const offer = same ? { match: { ...same.match, tutor: remembered! } } : ranked[0];
  if (!offer) return ask();
  const { match } = offer;
  const sentence = same
    ? say.again(last.subject, match.tutor.name, match.slot)
    : say.insteadOf({ subject: last.subject, tutorName: last.tutorName, day: last.day, start: last.start }, match.tutor.name, match.slot);
  return turn(`${hello} ${sentence}`, [say.quick.yes, say.quick.no, say.quick.others], {
    searchCriteria: criteria,
    pendingMatch: match,
    availableTutors: [match, ...ranked.map((entry) => entry.match).filter((other) => other.tutor.id !== match.tutor.id)].slice(0, 5),
    bookingInfo: { step: "confirm_slot", tutorId: match.tutor.id, tutorName: match.tutor.name, slot: match.slot },
  });
}
