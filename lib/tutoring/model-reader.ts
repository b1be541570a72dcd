import { z } from "../zod";
import { addDays, nextDateFor, weekdayOf, type LocalNow } from "../calendar";
import { namesSomething, type ParsedMessage } from "./parse";
import { WEEKDAYS } from "./schemas";
import { tokenize } from "./text";

/**
 * The optional model-backed reader, behind the deterministic one. It is asked only when the
 * deterministic parse is unsure (`isUnsure`), through ONE tool call whose arguments may fill the
 * same slots the parser fills (a subject from the catalog, a day or date, a time or window, a
 * tutor from the catalog, a way to meet) and nothing else: no intent, no reply, no effect. The
 * arguments are validated against the catalog; anything invalid drops the whole call, and a
 * failure, a refusal or a slow answer leaves the deterministic parse as it was. The flow then
 * decides with the slots as if the student had typed them, so a booking still takes the usual
 * form and confirmation. The Workers AI call itself is in services/slot-reader.ts.
 */

/** Asks the model for slots; answers the raw tool-call arguments, or undefined for no tool call. */
export type SlotReader = (request: SlotRequest) => Promise<unknown>;

export interface SlotRequest {
  message: string;
  /** The tool the model may call once, built from the catalog. */
  tool: SlotTool;
  today: LocalNow;
}

export const SLOT_TOOL_NAME = "fill_search_slots";
/** How long a turn waits for the model before it answers deterministically. */
export const READER_TIMEOUT_MS = 2_500;
/** Shorter than this, a message is an answer to a question ("10", "yes"), not a request to read. */
const MIN_REQUEST_WORDS = 4;
/** Dates further than this are not a tutoring request the search can serve. */
const MAX_DAYS_AHEAD = 60;

export interface SlotTool {
  name: typeof SLOT_TOOL_NAME;
  description: string;
  parameters: { type: "object"; properties: Record<string, unknown>; required: never[] };
}

/** The tool's JSON schema for the model: enums from the catalog, so the model sees what it may name. */
export function slotTool(subjects: readonly string[], tutors: readonly string[]): SlotTool {
  const clock = { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" };
  return {
    name: SLOT_TOOL_NAME,
    description: "Record what the student asked for. Fill only what the message says; leave the rest out.",
    parameters: {
      type: "object",
      properties: {
        subject: { type: "string", enum: [...subjects], description: "The subject, as the center names it." },
        day: { type: "string", enum: [...WEEKDAYS], description: "A weekday the student named." },
        date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "A calendar date (YYYY-MM-DD) the student named." },
        timeFrom: { ...clock, description: "Earliest session start, 24h HH:MM." },
        timeTo: { ...clock, description: "Latest session start, 24h HH:MM." },
        ...(tutors.length > 0 ? { tutor: { type: "string", enum: [...tutors], description: "A tutor the student named." } } : {}),
        mode: { type: "string", enum: ["online", "in_person"] },
      },
      required: [],
    },
  };
}

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** What the model's arguments must be; unknown keys (an intent, a reply) make the call invalid. */
export function slotArguments(subjects: readonly string[], tutors: readonly string[]) {
  const inList = (list: readonly string[]) => z.string().refine((value) => list.includes(value));
  return z
    .object({
      subject: inList(subjects).optional(),
      day: z.enum(WEEKDAYS).optional(),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
      timeFrom: Clock.optional(),
      timeTo: Clock.optional(),
      tutor: inList(tutors).optional(),
      mode: z.enum(["online", "in_person"]).optional(),
    })
    .strict()
    .refine((slots) => !slots.timeFrom || !slots.timeTo || slots.timeFrom < slots.timeTo);
}

export type SlotArguments = z.infer<ReturnType<typeof slotArguments>>;

/**
 * The deterministic parse is unsure when the message is not a command, named nothing the parser
 * knows (no subject, not even one the center lacks, no day, time, tutor or way to meet), and is
 * long enough to be a request (at least four words). Only then is the model asked.
 */
export function isUnsure(parsed: ParsedMessage, message: string): boolean {
  if (parsed.intent || parsed.note || namesSomething(parsed)) return false;
  return tokenize(message).length >= MIN_REQUEST_WORDS;
}

/** The parse with the model's valid slots filled in; the deterministic parse when the arguments are invalid or empty. */
export function mergeSlots(parsed: ParsedMessage, raw: unknown, context: { subjects: readonly string[]; tutors: readonly string[]; today: LocalNow }): ParsedMessage {
  const checked = slotArguments(context.subjects, context.tutors).safeParse(raw);
  if (!checked.success) return parsed;
  const slots = checked.data;
  const merged: ParsedMessage = { ...parsed };
  if (slots.subject) merged.skill = slots.subject;
  const date = slots.date ?? (slots.day ? nextDateFor(slots.day, context.today.date) : undefined);
  if (date) {
    if (date < context.today.date || date > addDays(context.today.date, MAX_DAYS_AHEAD)) return parsed;
    // A date and a weekday that disagree are a guess: drop the call.
    if (slots.day && weekdayOf(date) !== slots.day) return parsed;
    merged.day = weekdayOf(date);
    merged.date = date;
  }
  if (slots.timeFrom) merged.timeFrom = slots.timeFrom;
  if (slots.timeTo) merged.timeTo = slots.timeTo;
  if (slots.tutor) merged.tutorName = slots.tutor;
  if (slots.mode) merged.mode = slots.mode;
  return merged;
}

/**
 * One message read: the deterministic parse when it is sure or no reader is set; otherwise one
 * bounded call to the reader, its slots merged in when valid. Never throws.
 */
export async function readUnsure(input: {
  parsed: ParsedMessage;
  message: string;
  subjects: readonly string[];
  tutors: readonly string[];
  today: LocalNow;
  reader: SlotReader | undefined;
  timeoutMs?: number;
}): Promise<ParsedMessage> {
  const { parsed, message, reader } = input;
  if (!reader || !isUnsure(parsed, message)) return parsed;
  try {
    const raw = await withTimeout(reader({ message, tool: slotTool(input.subjects, input.tutors), today: input.today }), input.timeoutMs ?? READER_TIMEOUT_MS);
    return raw === undefined ? parsed : mergeSlots(parsed, raw, input);
  } catch {
    return parsed;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("slot reader timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
