import { EN } from "./phrases/en";
import type { Phrases } from "./phrases/types";
import type { SearchCriteria, Tutor } from "./schemas";
import { fold } from "./text";

/**
 * The tutors a search offers once the student named a tutor ("Maya again") or
 * a way to meet ("online"): that tutor, or the tutors who meet that way. A
 * wish that no tutor of the subject can meet is said, never silently dropped.
 */

export interface Narrowed {
  tutors: Tutor[];
  /** Said before the offer when a wish could not be met ("Maya Chen doesn't teach Biology."). */
  lead: string;
  /** The one tutor asked for, when the search is theirs alone. */
  only?: string;
}

function meets(tutor: Tutor, mode: "online" | "in_person"): boolean {
  return tutor.mode === mode || tutor.mode === "both";
}

export function narrowTutors(tutors: Tutor[], criteria: SearchCriteria, say: Phrases = EN): Narrowed {
  const skill = criteria.skill ?? "";
  const { tutorName, mode } = criteria;
  if (tutorName) {
    const key = fold(tutorName).toLowerCase();
    const named = tutors.filter((tutor) => fold(tutor.name).toLowerCase() === key);
    const [first] = named;
    if (first) {
      const lead = mode && !meets(first, mode) ? say.meetsOnly(first.name, first.mode) : "";
      return { tutors: named, lead, only: first.name };
    }
    if (tutors.length > 0) {
      const others = mode ? narrowTutors(tutors, { ...criteria, tutorName: undefined }, say) : { tutors, lead: "" };
      return { tutors: others.tutors, lead: `${say.notTeaching(tutorName, skill)}${others.lead}` };
    }
  }
  if (mode) {
    const meeting = tutors.filter((tutor) => meets(tutor, mode));
    if (meeting.length > 0) return { tutors: meeting, lead: "" };
    if (tutors.length > 0) return { tutors, lead: say.noneMeets(skill, mode) };
  }
  return { tutors, lead: "" };
}
