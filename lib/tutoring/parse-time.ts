import { toClock } from "../calendar";

/**
 * Time of day from free text, as a window of session starts (`timeFrom` to
 * `timeTo`, inclusive; a session is an hour). Business-hours sense: a bare "3"
 * is 15:00. Numbers only become times when something marks them as times
 * ("at 10", "10am", "10:30", "3ish"), so "in 10 minutes" or "chapter 3" never do.
 * The words for vague times and their windows are in eval/understanding/README.md.
 */

export interface TimeParse {
  timeFrom?: string;
  timeTo?: string;
}

/** The named parts of the day, as inclusive start windows. */
export const DAY_PERIODS = {
  morning: { timeFrom: "08:00", timeTo: "11:59" },
  afternoon: { timeFrom: "12:00", timeTo: "16:59" },
  evening: { timeFrom: "17:00", timeTo: "20:59" },
} as const;

/** Vaguer words, most specific first: each is a window the search honours and the reply names. */
const NAMED_WINDOWS: ReadonlyArray<[RegExp, TimeParse]> = [
  [/\bafter lunch(time)?\b/, { timeFrom: "13:00", timeTo: "16:00" }],
  [/\b(lunch(time)?|midday)\b/, { timeFrom: "12:00", timeTo: "12:00" }],
  [/\bafter (class|classes|school|my class|my classes)\b/, { timeFrom: "15:00" }],
  [/\b(early morning|first thing)\b/, { timeFrom: "08:00", timeTo: "09:59" }],
  [/\blate morning\b/, { timeFrom: "10:00", timeTo: "11:59" }],
  [/\bmornings?\b/, DAY_PERIODS.morning],
  [/\bearly afternoon\b/, { timeFrom: "12:00", timeTo: "13:59" }],
  [/\blate afternoon\b/, { timeFrom: "15:00", timeTo: "16:59" }],
  [/\bafternoons?\b/, DAY_PERIODS.afternoon],
  [/\blate (evening|night)\b/, { timeFrom: "19:00", timeTo: "20:59" }],
  [/\b(evenings?|tonight|nights?|after work|after dinner)\b/, DAY_PERIODS.evening],
];

/** One time expression: "noon", "10", "10:30", "2pm", "2 pm", "2p". */
const RAW_TIME = String.raw`(?:noon|midday|midnight|\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m\b|[ap]\b)?)`;
const UNIT_AFTER = /^\s*(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?|%|percent|pages?|problems?|questions?|students?|people|dollars?|times|chapters?|units?|slides?|words?|points?|sessions?|tutors?|classes)\b/;
const UNIT_BEFORE = /\b(?:chapters?|ch|pages?|pp|problems?|questions?|sections?|units?|lectures?|weeks?|slides?|exercises?|numbers?|nos?)\.?\s*$/;

function meridiemOf(raw: string): "a" | "p" | undefined {
  const match = /([ap])m?$/.exec(raw.replace(/\s+/g, ""));
  return match?.[1] === "a" ? "a" : match?.[1] === "p" ? "p" : undefined;
}

/** Minutes since midnight, or undefined for nonsense like "25" or "13pm". `hint` is the half of the day the sentence is about. */
export function clockOf(raw: string, hint?: "a" | "p"): number | undefined {
  const text = raw.trim();
  if (text === "noon" || text === "midday") return 12 * 60;
  if (text === "midnight") return 0;
  const match = /^(\d{1,2})(?::(\d{2}))?/.exec(text);
  if (!match?.[1]) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const meridiem = meridiemOf(text) ?? (hour >= 1 && hour <= 11 && hint === "p" && hour >= 8 ? "p" : undefined);
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

/** The student's words for a time, in the few shapes the patterns below read. */
function plain(text: string): string {
  return text
    .replace(/\b([ap])\.\s?m\.?/g, "$1m")
    .replace(/\b(\d{1,2}) ?o'? ?clock\b/g, "at $1")
    .replace(/\bo'? ?clock\b/g, "")
    .replace(/\b(noon|midday)\s*-?\s*ish\b/g, "around noon")
    .replace(/\b(\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m)?)\s*-?\s*ish\b/g, "around $1")
    .replace(/~\s*/g, " around ")
    .replace(/\b(\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m)?) or so\b/g, "around $1")
    .replace(/\b(after|before|by|from)\s+around\s+/g, "$1 ")
    .replace(/\b(?:how|what) about\b/g, "at")
    .replace(/\b(?:let'?s do|lets do|do|make it|say)\s+(?=\d)/g, "at ")
    .replace(/\b(?:no|not) later than\b/g, "by")
    .replace(/\bnot before\b/g, "after")
    .replace(/\bnot after\b/g, "by")
    .replace(/\b(\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m)?) or later\b/g, "after $1")
    .replace(/\b(\d{1,2}(?::[0-5]\d)?(?:\s*[ap]m)?) or earlier\b/g, "by $1");
}

/** The half of the day the sentence talks about, for a bare "8" in "tonight around 8". */
function halfOfDay(text: string): "p" | undefined {
  return /\b(tonight|evenings?|nights?|afternoons?|pm|after work|after dinner)\b/.test(text) ? "p" : undefined;
}

function exact(minutes: number): TimeParse {
  const clock = toClock(minutes);
  return { timeFrom: clock, timeTo: clock };
}

function around(minutes: number): TimeParse {
  return { timeFrom: toClock(minutes - 30), timeTo: toClock(minutes + 30) };
}

/** Words before an unmarked "12-3" that say it is a time range, not pages or chapters. */
const RANGE_LEAD = /\b(?:between|from|sometime|anytime|any time|free|available|around|maybe|like|works?)\s*$/;

function parseRange(text: string, hint?: "a" | "p"): TimeParse | undefined {
  const t = RAW_TIME;
  const range = new RegExp(String.raw`(?:\b(between|from)\s+)?(${t})\s*(and|to|-|until|till|til)\s*(${t})`).exec(text);
  if (!range?.[2] || !range[4]) return undefined;
  const before = text.slice(0, range.index);
  const after = text.slice(range.index + range[0].length);
  if (UNIT_AFTER.test(after) || UNIT_BEFORE.test(before)) return undefined;
  // A bare "10-12" is a range only when something says so; inside a sentence it may be pages or chapters.
  const said = range[1] || isMarkedTime(range[2]) || isMarkedTime(range[4]) || range[0] === text.trim() || range[3] !== "-" || RANGE_LEAD.test(before);
  if (!said) return undefined;
  const endHint = meridiemOf(range[4]) ?? hint;
  const end = clockOf(range[4], endHint);
  let start = clockOf(range[2], meridiemOf(range[4]) ?? hint);
  if (start !== undefined && end !== undefined && start >= end) start = clockOf(range[2]);
  if (start === undefined || end === undefined || start >= end) return undefined;
  // The window is where the hour must fit, so the latest start is an hour before its end.
  return { timeFrom: toClock(start), timeTo: toClock(Math.max(start, end - 60)) };
}

function firstTimeAfter(pattern: string, text: string, hint?: "a" | "p"): number | undefined {
  for (const match of text.matchAll(new RegExp(String.raw`${pattern}\s*(${RAW_TIME})`, "g"))) {
    if (UNIT_AFTER.test(text.slice((match.index ?? 0) + match[0].length))) continue;
    const minutes = clockOf(match[1] ?? "", hint);
    if (minutes !== undefined) return minutes;
  }
  return undefined;
}

/** `text` must already be normalized, with subject words removed. */
export function parseTime(input: string): TimeParse {
  const text = plain(input);
  const hint = halfOfDay(text);
  const range = parseRange(text, hint);
  if (range) return range;
  const after = firstTimeAfter(String.raw`\b(?:after|from|starting(?: at)?|later than|past)\s+`, text, hint);
  if (after !== undefined) return { timeFrom: toClock(after) };
  const before = firstTimeAfter(String.raw`\b(?:before|by|until|till|earlier than)\s+`, text, hint);
  if (before !== undefined) return { timeTo: toClock(Math.max(0, before - 60)) };
  const near = firstTimeAfter(String.raw`\b(?:around|about|approximately|roughly)\s+`, text, hint);
  if (near !== undefined) return around(near);
  // "at 10", and "monday 10" or "thursday, 9": a number right after a day is a time too.
  const at = firstTimeAfter(String.raw`(?:\b(?:at|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|today|tomorrow|tonight|tmrw?)[\s,]*|@)`, text, hint);
  if (at !== undefined) return exact(at);
  const single = /\b(\d{1,2}(?::[0-5]\d)?\s*[ap]m|\d{1,2}[ap]|\d{1,2}:[0-5]\d|noon|midday)\b/.exec(text);
  const marked = single?.[1] !== undefined ? clockOf(single[1]) : undefined;
  if (marked !== undefined) return exact(marked);
  for (const [pattern, window] of NAMED_WINDOWS) if (pattern.test(text)) return { ...window };
  // A message that is only a number answers "what time?" ("10", "actually 11", "no, 4 then").
  const bare = /^(?:(?:actually|ok|okay|no|wait|oops|sorry|so|then|maybe|and|or|hmm+|um+|uh+)[\s,]+)*(\d{1,2})(?::([0-5]\d))?(?:[\s,]+(?:then|instead|please|pls|works|is fine|is better|would be better))*[\s.!?]*$/.exec(text.trim());
  const bareTime = bare?.[1] !== undefined ? clockOf(`${bare[1]}${bare[2] ? `:${bare[2]}` : ""}`) : undefined;
  if (bareTime !== undefined) return exact(bareTime);
  // A number offered last, after a comma, once the rest was said: "thursday at 3 doesn't work, 4?".
  const offered = /[,;]\s*(?:maybe |then |or )?(\d{1,2})(?::([0-5]\d))?\s*[?!.]*$/.exec(text.trim());
  const offeredTime = offered?.[1] !== undefined ? clockOf(`${offered[1]}${offered[2] ? `:${offered[2]}` : ""}`) : undefined;
  if (offeredTime !== undefined) return exact(offeredTime);
  return {};
}
