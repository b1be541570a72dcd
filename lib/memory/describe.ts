import type { FactKind, FactSource, StudentFact } from "./schemas";

/**
 * How the memory page ("What the assistant remembers") says a fact in words:
 * what it is, and where it came from ("from your booking on Nov 23", "you said
 * it in a chat on Nov 23", "you changed it on Nov 23", "written by an AI model on
 * Nov 23"). Pure, for the page and tests.
 */

export const KIND_LABEL: Record<FactKind, string> = {
  name: "Your name",
  email: "Your email",
  subject: "A subject you study",
  tutor: "A tutor you booked",
  preferred_day: "Preferred day",
  preferred_time: "Preferred time of day",
  preferred_mode: "Preferred mode",
  goal: "A goal you mentioned",
  avoid_tutor: "A tutor not to book",
  avoid_time: "A time to avoid",
  last_interaction: "Your last interaction",
  summary: "A short summary of you",
};

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

const OUTCOME = { booked: "booked", cancelled: "cancelled", attended: "attended", no_show: "missed" } as const;

/** The value as a student reads it: a tutor with the session's pattern, a mode in words. */
export function factValueText(fact: Pick<StudentFact, "kind" | "value" | "detail">): string {
  if (fact.kind === "tutor" && fact.detail) {
    const { subject, day, start, mode, outcome, cancelledBy } = fact.detail;
    const ended = cancelledBy === "center" ? "cancelled by the center" : OUTCOME[outcome];
    return `${fact.value} (${[subject, `${day.charAt(0).toUpperCase()}${day.slice(1)}s at ${start}`, mode === "in_person" ? "in person" : "online", ended].filter(Boolean).join(", ")})`;
  }
  if (fact.kind === "preferred_mode") return fact.value === "in_person" ? "In person" : "Online";
  return fact.value;
}

/** Where the fact came from, with the day it was learned (UTC). */
export function sourceText(source: FactSource, learnedAt: number): string {
  const day = DAY.format(new Date(learnedAt));
  if (source.type === "booking") return `from your booking on ${day}`;
  if (source.type === "chat") return `you said it in a chat on ${day}`;
  if (source.type === "model") return `written by an AI model on ${day}`;
  return `you changed it on ${day}`;
}
