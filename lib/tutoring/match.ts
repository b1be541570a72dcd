import { slotTester, type CenterPolicy } from "../center/policy";
import { avoidsTime, avoidsTutor, type AvoidWindow } from "../memory/view";
import { addDays, capitalize, daysBetween, nextDateFor, toClock, toMinutes, weekdayOf, type LocalNow } from "../calendar";
import type { AvailabilitySlot, SearchCriteria, SessionSlot, Tutor, TutorMatch } from "./schemas";

/**
 * Ranks tutors for a search. Each tutor is offered at their best concrete
 * hour: inside the requested day and time if they can, else the nearest
 * opening. Scores fall in three bands so a reply can say which kind of match
 * it is from the score alone:
 *   (2000, 3000]  requested day (or any day) and time
 *   (1000, 2000]  requested day, another time
 *   (0, 1000]     another day
 */

export const SESSION_MINUTES = 60;
const DEFAULT_LIMIT = 5;

export type MatchKind = "exact" | "same_day" | "other_day";

export function matchKind(score: number): MatchKind {
  if (score > 2000) return "exact";
  if (score > 1000) return "same_day";
  return "other_day";
}

export interface RankOptions {
  today: LocalNow;
  limit?: number;
  /** Sessions already booked: an hour overlapping one is never offered. */
  booked?: readonly { tutorId: string; date: string; start: string }[];
  /** The center's rules (lead time, horizon, closed dates, opening hours): a slot they forbid is never offered. */
  policy?: { rules: CenterPolicy; now: Date };
  /** What the student's memory says to avoid: these tutors (by name) and these hours are never offered. */
  avoid?: { tutorNames: readonly string[]; times: readonly AvoidWindow[] };
}

/** Whether an hour starting at `start` (minutes) on `date` is free of the tutor's bookings. */
type IsFree = (date: string, start: number) => boolean;

function freeCheck(tutorId: string, { booked, policy, avoid }: RankOptions): IsFree {
  const mine = (booked ?? []).filter((slot) => slot.tutorId === tutorId).map((slot) => ({ date: slot.date, start: toMinutes(slot.start) }));
  const fits = policy ? slotTester(policy.rules, policy.now) : undefined;
  const byPolicy: IsFree = fits ? (date, start) => fits(date, start, SESSION_MINUTES) : () => true;
  const times = avoid?.times ?? [];
  const allowed: IsFree = times.length ? (date, start) => !avoidsTime(times, weekdayOf(date), start, SESSION_MINUTES) && byPolicy(date, start) : byPolicy;
  if (mine.length === 0) return allowed;
  return (date, start) => !mine.some((slot) => slot.date === date && Math.abs(slot.start - start) < SESSION_MINUTES) && allowed(date, start);
}

/** How many weeks past the first date a weekly slot is tried: one more without a policy, up to the horizon with one. */
function weeksToTry(policy: RankOptions["policy"]): number {
  return policy ? Math.ceil(policy.rules.horizonDays / 7) + 1 : 2;
}

interface Candidate {
  slot: SessionSlot;
  score: number;
  kind: MatchKind;
}

/** The session window the student asked for, in minutes; open ends mean "any". */
function requestedWindow(criteria: SearchCriteria): { from: number; to: number } {
  return {
    from: criteria.timeFrom ? toMinutes(criteria.timeFrom) : 0,
    to: criteria.timeTo ? toMinutes(criteria.timeTo) : 24 * 60 - 1,
  };
}

/** The date a weekly slot falls on for this search, and how far that is from the requested date. */
function dateFor(slotDay: AvailabilitySlot["day"], criteria: SearchCriteria, today: LocalNow): { date: string; distance: number } {
  const requested = criteria.date && criteria.date >= today.date ? criteria.date : criteria.day ? nextDateFor(criteria.day, today.date) : undefined;
  if (!requested) {
    const date = nextDateFor(slotDay, today.date);
    return { date, distance: daysBetween(today.date, date) };
  }
  const after = nextDateFor(slotDay, requested);
  const before = addDays(after, -7);
  // The nearest such day to the one requested, never in the past; ties go forward.
  const useBefore = before >= today.date && daysBetween(before, requested) < daysBetween(requested, after);
  const date = useBefore ? before : after;
  return { date, distance: Math.abs(daysBetween(requested, date)) };
}

function candidateFor(slot: AvailabilitySlot, criteria: SearchCriteria, today: LocalNow, isFree: IsFree, weeks: number): Candidate | undefined {
  let { date, distance } = dateFor(slot.day, criteria, today);
  let first = toMinutes(slot.start);
  const last = toMinutes(slot.end) - SESSION_MINUTES;
  if (date === today.date) {
    // Never offer an hour that has already started; fall back to next week.
    const soonest = Math.ceil((today.minutes + 1) / 30) * 30;
    if (soonest > last) {
      date = addDays(date, 7);
      distance += 7;
    } else {
      first = Math.max(first, soonest);
    }
  }
  if (last < first) return undefined;

  const window = requestedWindow(criteria);
  // The free start nearest the requested window (earliest on ties), on the half hour.
  const offFrom = (start: number) => (start < window.from ? window.from - start : start > window.to ? start - window.to : 0);
  const inWindow = Math.min(Math.max(first, window.from), last);
  const pick = (day: string, from: number) => {
    let best: number | undefined;
    for (const option of [Math.max(inWindow, from), ...halfHours(from, last)]) {
      if (!isFree(day, option)) continue;
      if (best === undefined || offFrom(option) < offFrom(best) || (offFrom(option) === offFrom(best) && option < best)) best = option;
    }
    return best;
  };
  let start = pick(date, first);
  for (let week = 1; start === undefined && week < weeks; week++) {
    // Booked out (or not open under the center's rules) that day: the same weekly slot a week later.
    date = addDays(date, 7);
    distance += 7;
    start = pick(date, toMinutes(slot.start));
  }
  if (start === undefined) return undefined;
  const timeOff = offFrom(start);
  const anyDay = !criteria.day;
  // Pushed to next week counts as another day: the student asked for this one.
  const sameDay = anyDay || (slot.day === criteria.day && distance === 0);

  let kind: MatchKind;
  let penalty: number;
  if (sameDay && timeOff === 0) {
    kind = "exact";
    // Within a wide window ("afternoon") earlier is better; with no day asked, sooner is better.
    penalty = (criteria.timeFrom ? (start - window.from) / 10 : 0) + (anyDay ? distance * 100 : 0);
  } else if (sameDay) {
    kind = "same_day";
    penalty = timeOff / 2 + (anyDay ? distance * 60 : 0);
  } else {
    kind = "other_day";
    penalty = distance * 120 + timeOff / 5;
  }
  const band = kind === "exact" ? 3000 : kind === "same_day" ? 2000 : 1000;
  const score = band - Math.min(Math.round(penalty), 999);
  return {
    slot: { day: slot.day, date, start: toClock(start), end: toClock(start + SESSION_MINUTES) },
    score,
    kind,
  };
}

function halfHours(first: number, last: number): number[] {
  const starts: number[] = [];
  for (let minute = Math.ceil(first / 30) * 30; minute <= last; minute += 30) starts.push(minute);
  return starts;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.slot.date !== b.slot.date) return a.slot.date < b.slot.date;
  return a.slot.start < b.slot.start;
}

function teaches(tutor: Tutor, skill: string | undefined): string | undefined {
  if (!skill) return tutor.subjects[0];
  return tutor.subjects.find((subject) => subject.toLowerCase() === skill.toLowerCase());
}

function reasonFor(subject: string, candidate: Candidate, criteria: SearchCriteria): string {
  const when = `${capitalize(candidate.slot.day)} ${candidate.slot.start}`;
  if (candidate.kind === "exact") return `teaches ${subject}, free ${when}`;
  if (candidate.kind === "same_day") {
    const asked = criteria.timeFrom ?? criteria.timeTo ?? "";
    return `teaches ${subject}; not free at ${asked}, nearest opening ${when}`;
  }
  return `teaches ${subject}; not free ${capitalize(criteria.day ?? candidate.slot.day)}, nearest opening ${when}`;
}

export interface RankedMatch {
  match: TutorMatch;
  kind: MatchKind;
}

/** Tutors who teach `criteria.skill`, best first, at most `limit`, never one in `excludeTutorIds`. */
export function rankTutors(tutors: Tutor[], criteria: SearchCriteria, options: RankOptions): RankedMatch[] {
  const excluded = new Set(criteria.excludeTutorIds);
  const ranked: Array<RankedMatch & { candidate: Candidate }> = [];
  for (const tutor of tutors) {
    const subject = teaches(tutor, criteria.skill);
    if (!subject || excluded.has(tutor.id) || (options.avoid && avoidsTutor(options.avoid.tutorNames, tutor.name))) continue;
    let best: Candidate | undefined;
    const isFree = freeCheck(tutor.id, options);
    for (const slot of tutor.availability) {
      const candidate = candidateFor(slot, criteria, options.today, isFree, weeksToTry(options.policy));
      if (candidate && (!best || better(candidate, best))) best = candidate;
    }
    if (!best) continue;
    const match: TutorMatch = { tutor, slot: best.slot, score: best.score, reason: reasonFor(subject, best, criteria) };
    ranked.push({ match, kind: best.kind, candidate: best });
  }
  ranked.sort((a, b) => {
    if (a.candidate.score !== b.candidate.score) return b.candidate.score - a.candidate.score;
    if (a.candidate.slot.date !== b.candidate.slot.date) return a.candidate.slot.date < b.candidate.slot.date ? -1 : 1;
    if (a.candidate.slot.start !== b.candidate.slot.start) return a.candidate.slot.start < b.candidate.slot.start ? -1 : 1;
    return a.match.tutor.id < b.match.tutor.id ? -1 : a.match.tutor.id > b.match.tutor.id ? 1 : 0;
  });
  return ranked.slice(0, options.limit ?? DEFAULT_LIMIT).map(({ match, kind }) => ({ match, kind }));
}
