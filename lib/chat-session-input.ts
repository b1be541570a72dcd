import type { z } from "zod";
import { AppError, zodIssues } from "./errors";
import { ClockTime, SearchCriteria, type BookingInfo, type BookingStep, type Weekday } from "./tutoring/schemas";

/**
 * What `ChatSessionClient` (lib/chat-session-client.ts) accepts: our shapes, and seed 001's
 * spellings of the same things, turned into ours here, at the client's edge, so nothing behind
 * it (routes, RPC, the stored state) ever sees a second spelling.
 */

/** Seed 001's names of booking steps, and ours they mean. */
const SEED_STEPS = { "name-email": "contact" } as const satisfies Record<string, BookingStep>;
export type SeedBookingStep = keyof typeof SEED_STEPS;

/** A weekday as we store it ("monday") or as the seed writes it ("Monday"). */
export type WeekdayInput = Weekday | Capitalize<Weekday>;

/**
 * A booking form to save. A whole form (tutor, slot and step) is saved as given; a form of just the
 * fields being typed, as the seed saves it, is laid over the stored form (`null` fields excepted:
 * left out means "keep"). The step may be the seed's name.
 */
export type BookingInfoInput = Partial<Omit<BookingInfo, "step">> & { step?: BookingStep | SeedBookingStep };

/** Search criteria as the schema takes them, or as the seed writes them: `day: "Monday"`, and `time` for "at 10:00". */
export type SearchCriteriaInput = Omit<z.input<typeof SearchCriteria>, "day"> & { day?: WeekdayInput; time?: string };

function ourStep(step: BookingInfoInput["step"]): BookingStep | undefined {
  return step !== undefined && Object.hasOwn(SEED_STEPS, step) ? SEED_STEPS[step as SeedBookingStep] : (step as BookingStep | undefined);
}

/** Whether the input names the form it belongs to (tutor, slot, step): then it replaces the stored form. */
export function isWholeForm(input: BookingInfoInput): input is BookingInfoInput & Pick<BookingInfo, "tutorId" | "tutorName" | "slot" | "step"> {
  return input.tutorId !== undefined && input.tutorName !== undefined && input.slot !== undefined && input.step !== undefined;
}

/**
 * The form to save: a whole one with its step in our words, or the fields given laid over `stored`.
 * Without a stored form there is nothing to fill in: 409, as the server answers a form it did not start.
 * The server checks the result as it checks any form (lib/tutoring/patch-rules.ts).
 */
export function toBookingInfo(input: BookingInfoInput, stored: BookingInfo | null): BookingInfo {
  const step = ourStep(input.step);
  if (isWholeForm(input)) return { ...input, step: step! };
  if (!stored) throw new AppError("conflict:booking", "A booking form is started by the assistant.");
  const given = Object.fromEntries(Object.entries(input).filter(([key, value]) => value !== undefined && key !== "step"));
  return { ...stored, ...given, step: step ?? stored.step };
}

/** Criteria in our words: the day in lower case, `time` as the one start asked for (how the assistant reads "at 10"). */
export function toSearchCriteria(input: SearchCriteriaInput): SearchCriteria {
  const { day, time, ...rest } = input;
  if (time !== undefined) {
    if (rest.timeFrom !== undefined || rest.timeTo !== undefined) {
      throw new AppError("bad_request:body", "Invalid search criteria.", [{ path: "time", message: "Give either time or timeFrom/timeTo, not both." }]);
    }
    const clock = ClockTime.safeParse(time);
    if (!clock.success) throw new AppError("bad_request:body", "Invalid search criteria.", [{ path: "time", message: "expected HH:MM (24-hour)" }]);
  }
  const parsed = SearchCriteria.safeParse({
    ...rest,
    ...(day === undefined ? {} : { day: typeof day === "string" ? day.toLowerCase() : day }),
    ...(time === undefined ? {} : { timeFrom: time, timeTo: time }),
  });
  if (!parsed.success) throw new AppError("bad_request:body", "Invalid search criteria.", zodIssues(parsed.error));
  return parsed.data;
}
