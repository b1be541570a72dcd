import { WEEKDAYS, type Weekday } from "../tutoring/schemas";
import type { StudentFact, TutorDetail } from "./schemas";

/**
 * What the pure assistant is told about a returning student: the facts folded
 * into the few things a turn uses. Built from the StudentMemory object's facts
 * by the sidecar; the stateless fallback has none.
 */

/** An hour range the student does not want, on one weekday or every day; minutes from midnight, `to` exclusive. */
export interface AvoidWindow {
  day?: Weekday;
  from: number;
  to: number;
}

export interface LastSession extends Omit<TutorDetail, "outcome" | "bookingId" | "cancelledBy"> {
  tutorName: string;
}

export interface MemoryView {
  name?: string;
  email?: string;
  preferredMode?: "online" | "in_person";
  /** The newest stated goal, as a noun phrase ("Calc II exam"). */
  goal?: string;
  /** Tutor names (as the student said them) never to offer. */
  avoidTutors: string[];
  avoidTimes: AvoidWindow[];
  /** The newest session booked, attended or cancelled by the center (not by the student): the repeat offer's pattern. */
  lastSession?: LastSession;
}

export const EMPTY_MEMORY: MemoryView = { avoidTutors: [], avoidTimes: [] };

/** Goals older than this no longer shape the intake question (an exam "on Friday" has passed). */
export const GOAL_TTL_MS = 60 * 24 * 60 * 60_000;

const PERIODS: Record<string, [number, number]> = {
  mornings: [0, 12 * 60],
  afternoons: [12 * 60, 17 * 60],
  evenings: [17 * 60, 24 * 60],
};

/** The windows an `avoid_time` value stands for ("mornings", "fridays", "weekends", "before 10:00", "friday mornings"). */
export function avoidWindows(value: string): AvoidWindow[] {
  const text = value.toLowerCase().trim();
  const clock = /^(before|after) ([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock) {
    const minutes = Number(clock[2]) * 60 + Number(clock[3]);
    return [clock[1] === "before" ? { from: 0, to: minutes } : { from: minutes, to: 24 * 60 }];
  }
  if (text === "weekends") return [{ day: "saturday", from: 0, to: 24 * 60 }, { day: "sunday", from: 0, to: 24 * 60 }];
  let day: Weekday | undefined;
  let period: [number, number] | undefined;
  for (const word of text.split(/\s+/)) {
    const weekday = WEEKDAYS.find((name) => word === name || word === `${name}s`);
    const hours = PERIODS[word.endsWith("s") ? word : `${word}s`];
    if (weekday && !day) day = weekday;
    else if (hours && !period) period = hours;
    else return [];
  }
  if (!day && !period) return [];
  const [from, to] = period ?? [0, 24 * 60];
  return [{ ...(day ? { day } : {}), from, to }];
}

/** Whether an hour from `start` (minutes) on `day` touches any avoided window. */
export function avoidsTime(windows: readonly AvoidWindow[], day: Weekday, start: number, minutes: number): boolean {
  return windows.some((window) => (!window.day || window.day === day) && start < window.to && start + minutes > window.from);
}

/** Whether a tutor is one the student asked not to be booked with: their full, first or last name. */
export function avoidsTutor(names: readonly string[], tutorName: string): boolean {
  const full = tutorName.toLowerCase();
  const parts = full.split(/\s+/);
  return names.some((name) => {
    const said = name.toLowerCase().trim();
    return said === full || (parts.length > 1 && (said === parts[0] || said === parts[parts.length - 1]));
  });
}

/**
 * Whether a tutor fact's session is one to offer again: booked or attended, or cancelled by the
 * center (the student still wanted it); not one the student cancelled, nor a no-show.
 */
export function offeredAgain(detail: TutorDetail): boolean {
  return detail.outcome === "booked" || detail.outcome === "attended" || (detail.outcome === "cancelled" && detail.cancelledBy === "center");
}

function newest(facts: StudentFact[]): StudentFact | undefined {
  return facts.reduce<StudentFact | undefined>((best, fact) => (!best || fact.learnedAt > best.learnedAt ? fact : best), undefined);
}

export function memoryView(facts: readonly StudentFact[], now: number): MemoryView {
  const of = (kind: StudentFact["kind"]) => facts.filter((fact) => fact.kind === kind);
  const view: MemoryView = {
    avoidTutors: of("avoid_tutor").map((fact) => fact.value),
    avoidTimes: of("avoid_time").flatMap((fact) => avoidWindows(fact.value)),
  };
  const name = newest(of("name"))?.value;
  const email = newest(of("email"))?.value;
  const mode = newest(of("preferred_mode"))?.value;
  const goal = newest(of("goal").filter((fact) => now - fact.learnedAt < GOAL_TTL_MS))?.value;
  const session = newest(of("tutor").filter((fact) => fact.detail && offeredAgain(fact.detail)));
  if (name) view.name = name;
  if (email) view.email = email;
  if (mode === "online" || mode === "in_person") view.preferredMode = mode;
  if (goal) view.goal = goal;
  if (session?.detail && !avoidsTutor(view.avoidTutors, session.value)) {
    const { outcome: _outcome, bookingId: _bookingId, cancelledBy: _cancelledBy, ...pattern } = session.detail;
    view.lastSession = { ...pattern, tutorName: session.value };
  }
  return view;
}

/** Whether the view holds anything a fresh chat would use. */
export function remembersSomething(view: MemoryView | undefined): view is MemoryView {
  return Boolean(view && (view.name || view.lastSession));
}
