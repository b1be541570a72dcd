import { addDays, nextDateFor, toClock, weekdayOf, type LocalNow } from "./clock";
import { WEEKDAYS, type Weekday } from "./schemas";
import { editDistance, tokenize, typoAllowance } from "./text";

/**
 * Day and time of day from free text. Days resolve to the next calendar date
 * (today counts); times follow business-hours sense (a bare "3" is 15:00).
 * Numbers only become times when something marks them as times ("at 10",
 * "10am", "10:30"), so "in 10 minutes" or "chapter 3" never do.
 */

export interface WhenParse {
  day?: Weekday;
  date?: string;
  /** A second day the student also offered ("this weekend" → Sunday). */
  altDay?: Weekday;
  timeFrom?: string;
  timeTo?: string;
  /** "any time", "whenever": the student has no time preference. */
  anyTime?: boolean;
  /** "any day", "asap": the student has no day preference. */
  anyDay?: boolean;
}

/** The three named parts of the day, as inclusive start windows. */
export const DAY_PERIODS = {
  morning: { timeFrom: "08:00", timeTo: "11:59" },
  afternoon: { timeFrom: "12:00", timeTo: "16:59" },
  evening: { timeFrom: "17:00", timeTo: "20:59" },
} as const;

const DAY_WORDS: Record<string, Weekday> = {
  mon: "monday",
  tue: "tuesday",
  tues: "tuesday",
  wed: "wednesday",
  weds: "wednesday",
  thu: "thursday",
  thur: "thursday",
  thurs: "thursday",
  fri: "friday",
  sat: "saturday",
  sun: "sunday",
  ...Object.fromEntries(WEEKDAYS.map((day) => [day, day])),
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function dayResult(day: Weekday, date: string, altDay?: Weekday): WhenParse {
  return altDay ? { day, date, altDay } : { day, date };
}

function parseDay(text: string, today: LocalNow): WhenParse {
  if (/\bday after tomorrow\b/.test(text)) {
    const date = addDays(today.date, 2);
    return dayResult(weekdayOf(date), date);
  }
  if (/\b(tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b/.test(text)) {
    const date = addDays(today.date, 1);
    return dayResult(weekdayOf(date), date);
  }
  if (/\b(today|tonight|this (morning|afternoon|evening))\b/.test(text)) return dayResult(today.weekday, today.date);
  if (/\bweekends?\b/.test(text)) {
    // On a Sunday "this weekend" can only mean today.
    if (today.weekday === "sunday") return dayResult("sunday", today.date);
    return dayResult("saturday", nextDateFor("saturday", today.date), "sunday");
  }
  const monthDate = parseMonthDate(text, today);
  if (monthDate) return monthDate;
  return parseWeekday(text, today);
}

function parseMonthDate(text: string, today: LocalNow): WhenParse | undefined {
  const match = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?\b/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const month = MONTHS.indexOf(match[1]) + 1;
  const dayOfMonth = Number(match[2]);
  const year = Number(today.date.slice(0, 4));
  for (const candidateYear of [year, year + 1]) {
    const date = `${candidateYear}-${String(month).padStart(2, "0")}-${String(dayOfMonth).padStart(2, "0")}`;
    // Rejects Feb 30 and friends: a real date survives a round trip.
    if (addDays(date, 0) !== date) return undefined;
    if (date >= today.date) return dayResult(weekdayOf(date), date);
  }
  return undefined;
}

function parseWeekday(text: string, today: LocalNow): WhenParse {
  const found: Array<{ day: Weekday; next: boolean }> = [];
  const tokens = tokenize(text);
  tokens.forEach((token, index) => {
    const bare = token.word.replace(/s$/, "");
    let day = DAY_WORDS[token.word] ?? DAY_WORDS[bare];
    // "SAT prep" is a test, not a Saturday.
    if ((token.word === "sat" || token.word === "sun") && /^(prep|test|exam|math|score|reading)$/.test(tokens[index + 1]?.word ?? "")) {
      day = undefined;
    }
    day ??= fuzzyWeekday(token.word);
    if (day) found.push({ day, next: tokens[index - 1]?.word === "next" });
  });
  const [first, second] = found;
  if (!first) return {};
  const date = nextDateFor(first.day, today.date, !first.next);
  return dayResult(first.day, date, second && second.day !== first.day ? second.day : undefined);
}

function fuzzyWeekday(word: string): Weekday | undefined {
  const allowance = typoAllowance(word.length);
  if (allowance === 0 || /\d/.test(word)) return undefined;
  for (const day of WEEKDAYS) {
    if (day[0] === word[0] && editDistance(word, day, allowance) <= allowance) return day;
  }
  return undefined;
}

/** One time expression: "noon", "10", "10:30", "2pm", "2 pm", "2p". */
const RAW_TIME = String.raw`(?:noon|midday|midnight|\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m\b|[ap]\b)?)`;
const UNIT_AFTER = /^\s*(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?|%|percent|pages?|problems?|questions?|students?|people|dollars?|times|chapters?|units?)\b/;

function meridiemOf(raw: string): "a" | "p" | undefined {
  const match = /([ap])m?$/.exec(raw.replace(/\s+/g, ""));
  return match?.[1] === "a" ? "a" : match?.[1] === "p" ? "p" : undefined;
}

/** Minutes since midnight, or undefined for nonsense like "25" or "13pm". */
export function clockOf(raw: string, hint?: "a" | "p"): number | undefined {
  const text = raw.trim();
  if (text === "noon" || text === "midday") return 12 * 60;
  if (text === "midnight") return 0;
  const match = /^(\d{1,2})(?::(\d{2}))?/.exec(text);
  if (!match?.[1]) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const meridiem = meridiemOf(text) ?? (hour <= 12 ? hint : undefined);
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    return ((hour % 12) + (meridiem === "p" ? 12 : 0)) * 60 + minute;
  }
  if (hour > 23) return undefined;
  // Tutoring happens in the daytime: a bare 1–7 is afternoon, not before dawn.
  return (hour >= 1 && hour <= 7 ? hour + 12 : hour) * 60 + minute;
}

function isMarkedTime(raw: string): boolean {
  return /noon|midday|midnight|:|[ap]m?$/.test(raw.replace(/\s+/g, ""));
}

function parseTime(text: string): WhenParse {
  const t = RAW_TIME;
  const range = new RegExp(String.raw`(?:\b(between|from)\s+)?(${t})\s*(?:and|to|-|until|till)\s*(${t})`).exec(text);
  // A bare "10-12" is a range only when it is the whole answer; inside a sentence it may be pages or chapters.
  const marked = (raw: string) => isMarkedTime(raw) || range?.[0] === text.trim();
  if (range?.[2] && range[3] && (range[1] || marked(range[2]) || marked(range[3]))) {
    const end = clockOf(range[3]);
    let start = clockOf(range[2], meridiemOf(range[3]));
    if (start !== undefined && end !== undefined && start >= end) start = clockOf(range[2]);
    if (start !== undefined && end !== undefined && start < end) {
      // The window is where the hour must fit, so the latest start is an hour before its end.
      return { timeFrom: toClock(start), timeTo: toClock(Math.max(start, end - 60)) };
    }
  }
  const after = new RegExp(String.raw`\b(?:after|from|starting(?: at)?|later than|past)\s+(${t})`).exec(text);
  const afterTime = after?.[1] !== undefined ? clockOf(after[1]) : undefined;
  if (afterTime !== undefined) return { timeFrom: toClock(afterTime) };
  const before = new RegExp(String.raw`\b(?:before|by|until|till|no later than|earlier than)\s+(${t})`).exec(text);
  const beforeTime = before?.[1] !== undefined ? clockOf(before[1]) : undefined;
  if (beforeTime !== undefined) return { timeTo: toClock(Math.max(0, beforeTime - 60)) };
  // "at 10", "around 3", and "monday 10": a number right after a day is a time too.
  const at = new RegExp(String.raw`(?:\b(?:at|around|about|say|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|today|tomorrow)|@|~)\s*(${t})`, "g");
  for (const match of text.matchAll(at)) {
    const raw = match[1] ?? "";
    if (UNIT_AFTER.test(text.slice((match.index ?? 0) + match[0].length))) continue;
    const minutes = clockOf(raw);
    if (minutes !== undefined) return exact(minutes);
  }
  const single = /\b(\d{1,2}(?::[0-5]\d)?\s*[ap]m|\d{1,2}[ap]|\d{1,2}:[0-5]\d|noon|midday)\b/.exec(text);
  const markedTime = single?.[1] !== undefined ? clockOf(single[1]) : undefined;
  if (markedTime !== undefined) return exact(markedTime);
  if (/\blunch(time)?\b/.test(text)) return exact(12 * 60);
  if (/\bmornings?\b/.test(text)) return { ...DAY_PERIODS.morning };
  if (/\bafternoons?\b/.test(text)) return { ...DAY_PERIODS.afternoon };
  if (/\b(evenings?|tonight|nights?)\b/.test(text)) return { ...DAY_PERIODS.evening };
  // A message that is only a number answers "what time?".
  const bare = /^(?:at\s+)?(\d{1,2})(?::([0-5]\d))?(?:\s*o'?clock)?[.!]?$/.exec(text.trim());
  const bareTime = bare?.[1] !== undefined ? clockOf(bare[0].replace(/^at\s+|\s*o'?clock|[.!]$/g, "")) : undefined;
  if (bareTime !== undefined) return exact(bareTime);
  return {};
}

function exact(minutes: number): WhenParse {
  const clock = toClock(minutes);
  return { timeFrom: clock, timeTo: clock };
}

/** `text` must already be normalized, with subject words removed. */
export function parseWhen(input: string, today: LocalNow): WhenParse {
  const text = input.replace(/\b([ap])\.\s?m\.?/g, "$1m").replace(/\bo'?clock\b/g, "");
  const result: WhenParse = { ...parseDay(text, today), ...parseTime(text) };
  if (/\b(any ?time|whenever|flexible|no preference|doesn'?t matter|don'?t care)\b/.test(text)) result.anyTime = true;
  if (/\b(any ?day|whenever|flexible|no preference|asap|as soon as possible|soonest|earliest)\b/.test(text)) result.anyDay = true;
  return result;
}
