import { toClock, toMinutes } from "../../calendar";
import { DAY_PERIODS } from "../parse-time";
import type { SearchCriteria } from "../schemas";

// What every language's phrasings build on: the stored forms of a time wish, read back.

/** What "any time" stores: the whole tutoring day. */
export const ANY_TIME = { timeFrom: "08:00", timeTo: "20:59" } as const;

/** The end of a window of starts: a named part of the day ends on the hour after its :59, a range an hour after its last start. */
export function windowEnd(timeTo: string): string {
  const minutes = toMinutes(timeTo);
  return toClock(minutes % 60 === 59 ? minutes + 1 : minutes + 60);
}

/** "morning", "afternoon" or "evening" when the wish is exactly that part of the day. */
export function periodOf(criteria: SearchCriteria): keyof typeof DAY_PERIODS | undefined {
  for (const [period, window] of Object.entries(DAY_PERIODS) as Array<[keyof typeof DAY_PERIODS, { timeFrom: string; timeTo: string }]>) {
    if (window.timeFrom === criteria.timeFrom && window.timeTo === criteria.timeTo) return period;
  }
  return undefined;
}

export function isAnyTime(criteria: SearchCriteria): boolean {
  return criteria.timeFrom === ANY_TIME.timeFrom && criteria.timeTo === ANY_TIME.timeTo;
}

/** "A, B and C" with the language's word for the last joint. */
export function joinList(items: readonly string[], last: string): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${last} ${items[items.length - 1] ?? ""}`;
}

/** Ranges and "before" store the latest start, an hour before the end the student said. */
export function rangeEnd(timeTo: string): string {
  return toClock(toMinutes(timeTo) + 60);
}
