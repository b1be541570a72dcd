import { addDays, nextDateFor, weekdayOf, type LocalNow } from "../calendar";
import { WHEN_REWRITES_ES } from "./lexicon-es";
import { parseTime, type TimeParse } from "./parse-time";
import { WEEKDAYS, type Weekday } from "./schemas";
import { editDistance, tokenize, typoAllowance } from "./text";

/**
 * Day and time of day from free text. Days resolve to a calendar date: a
 * weekday alone is the next one (today counts), "next friday" is the Friday of
 * next week (weeks run Monday to Sunday). A day that is a deadline ("exam
 * tomorrow", "due friday") is not the day of the session. Spanish is read
 * through lexicon-es.ts. The conventions are in eval/understanding/README.md.
 */

export { clockOf, DAY_PERIODS } from "./parse-time";

export interface WhenParse extends TimeParse {
  day?: Weekday;
  date?: string;
  /** A second day the student also offered ("this weekend" → Sunday). */
  altDay?: Weekday;
  /** "Next week": any day from this date on (no weekday). */
  startDate?: string;
  /** "any time", "whenever": the student has no time preference. */
  anyTime?: boolean;
  /** "any day", "asap": the student has no day preference. */
  anyDay?: boolean;
}

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
const NUMBER_WORDS: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };

function dayResult(day: Weekday, date: string, altDay?: Weekday): WhenParse {
  return altDay ? { day, date, altDay } : { day, date };
}

function onDate(date: string): WhenParse {
  return dayResult(weekdayOf(date), date);
}

/** Monday of the week after this one. */
function nextMonday(today: LocalNow): string {
  return nextDateFor("monday", today.date, false);
}

/** `month`/`day` this year, or next year once that date has passed; undefined for Feb 30 and friends. */
function upcoming(month: number, dayOfMonth: number, today: LocalNow): string | undefined {
  const year = Number(today.date.slice(0, 4));
  for (const candidateYear of [year, year + 1]) {
    const date = `${candidateYear}-${String(month).padStart(2, "0")}-${String(dayOfMonth).padStart(2, "0")}`;
    // A real date survives a round trip.
    if (addDays(date, 0) !== date) return undefined;
    if (date >= today.date) return date;
  }
  return undefined;
}

function parseCalendarDate(text: string, today: LocalNow): WhenParse | undefined {
  const named = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?\b/.exec(text);
  if (named?.[1] && named[2]) {
    const date = upcoming(MONTHS.indexOf(named[1]) + 1, Number(named[2]), today);
    return date ? onDate(date) : undefined;
  }
  // 11/24 (month first, as the center writes it); 24/11 when the first number cannot be a month.
  const slashed = /\b(\d{1,2})\/(\d{1,2})\b/.exec(text);
  if (slashed?.[1] && slashed[2]) {
    const [a, b] = [Number(slashed[1]), Number(slashed[2])];
    const date = a > 12 ? upcoming(b, a, today) : upcoming(a, b, today);
    return date ? onDate(date) : undefined;
  }
  // "the 24th": this month's, or next month's once it has passed.
  const ordinal = /\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b/.exec(text);
  if (ordinal?.[1]) {
    const dayOfMonth = Number(ordinal[1]);
    const [year, month] = [Number(today.date.slice(0, 4)), Number(today.date.slice(5, 7))];
    const thisMonth = `${year}-${String(month).padStart(2, "0")}-${String(dayOfMonth).padStart(2, "0")}`;
    if (dayOfMonth >= 1 && addDays(thisMonth, 0) === thisMonth && thisMonth >= today.date) return onDate(thisMonth);
    const date = upcoming(month === 12 ? 1 : month + 1, dayOfMonth, today);
    return date ? onDate(date) : undefined;
  }
  return undefined;
}

function parseDay(text: string, today: LocalNow): WhenParse {
  if (/\bday after tomorrow\b/.test(text)) return onDate(addDays(today.date, 2));
  const inDays = /\bin (a|one|two|three|four|five|six|seven|\d) days?\b/.exec(text);
  if (inDays?.[1]) return onDate(addDays(today.date, NUMBER_WORDS[inDays[1]] ?? Number(inDays[1])));
  if (/\b(tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow|2moro|2morrow)\b/.test(text)) return onDate(addDays(today.date, 1));
  if (/\b(today|tonight|this (morning|afternoon|evening))\b/.test(text)) return dayResult(today.weekday, today.date);
  if (/\bnext weekend\b/.test(text)) return dayResult("saturday", nextDateFor("saturday", nextMonday(today)), "sunday");
  if (/\bweekends?\b/.test(text)) {
    // On a Sunday "this weekend" can only mean today.
    if (today.weekday === "sunday") return dayResult("sunday", today.date);
    return dayResult("saturday", nextDateFor("saturday", today.date), "sunday");
  }
  const calendar = parseCalendarDate(text, today);
  if (calendar) return calendar;
  const weekday = parseWeekday(text, today);
  if (weekday.day) return weekday;
  if (/\bnext week\b/.test(text)) return { startDate: nextMonday(today) };
  return {};
}

function parseWeekday(text: string, today: LocalNow): WhenParse {
  const found: Array<{ day: Weekday; next: boolean }> = [];
  const tokens = tokenize(text);
  const nextWeek = /\bnext week\b/.test(text);
  tokens.forEach((token, index) => {
    const bare = token.word.replace(/s$/, "");
    let day = DAY_WORDS[token.word] ?? DAY_WORDS[bare];
    // "SAT prep" is a test, not a Saturday.
    if ((token.word === "sat" || token.word === "sun") && /^(prep|test|exam|math|score|reading)$/.test(tokens[index + 1]?.word ?? "")) {
      day = undefined;
    }
    day ??= fuzzyWeekday(token.word);
    if (day) found.push({ day, next: nextWeek || tokens[index - 1]?.word === "next" });
  });
  const [first, second] = found;
  if (!first) return {};
  const date = first.next ? nextDateFor(first.day, nextMonday(today)) : nextDateFor(first.day, today.date);
  return dayResult(first.day, date, second && second.day !== first.day ? second.day : undefined);
}

function fuzzyWeekday(word: string): Weekday | undefined {
  if (word.length < 5 || /\d/.test(word)) return undefined;
  for (const day of WEEKDAYS) {
    // The allowance follows the longer spelling: "wensday" is two edits from "wednesday".
    const allowance = typoAllowance(Math.max(word.length, day.length));
    if (day[0] === word[0] && editDistance(word, day, allowance) <= allowance) return day;
  }
  return undefined;
}

/** A day named as a deadline ("exam tomorrow", "paper due friday", "examen el viernes") is blanked out. */
const DEADLINE = /\b(due|exam|exams|test|tests|quiz|midterm|final|deadline|examen|entrega|parcial)\b((?:\s+(?:is|was|on|this|next|by|for|in|of|my|the|a|el|es|dia|de|del|para|mi))*\s+)(tomorrow|today|tonight|next week|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|the \d{1,2}(?:st|nd|rd|th)|\d{1,2}\/\d{1,2})\b/g;

/** `text` must already be normalized, with subject words removed. */
export function parseWhen(input: string, today: LocalNow): WhenParse {
  let text = ` ${input} `;
  for (const [pattern, replacement] of WHEN_REWRITES_ES) text = text.replace(pattern, replacement);
  text = text.replace(/\s+/g, " ").trim().replace(DEADLINE, (_all, word: string, gap: string, day: string) => `${word}${gap}${" ".repeat(day.length)}`);
  // A calendar date's numbers are not times ("saturday 11/21 at 10").
  const clockText = text.replace(/\b\d{1,2}\/\d{1,2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)\b/g, " ");
  const result: WhenParse = { ...parseDay(text, today), ...parseTime(clockText) };
  if (/\b(any ?time|whenever|flexible|no preference|doesn'?t matter|don'?t care)\b/.test(text)) result.anyTime = true;
  const soonest = /\b(asap|as soon as (possible|you can|u can|i can)|soonest|earliest|first available|next available|right now|right away)\b/.test(text);
  if (soonest || /\b(any ?day|whenever|flexible|no preference)\b/.test(text)) result.anyDay = true;
  // The soonest slot has no particular hour either.
  if (soonest) result.anyTime = true;
  return result;
}
