import type { TextModel } from "../tutoring/rephrase";
import { z } from "../zod";
import { KIND_LABEL, factValueText } from "./describe";
import { FACT_VALUE_MAX, type NewFact, type StudentFact } from "./schemas";

/**
 * The optional model-written summary of a student (seed 004: "a short summary
 * rewritten by a model"). Only with an `AI` binding AND `ASSISTANT_MEMORY=llm`;
 * run by the StudentMemory's alarm, never on a turn's path. The model sees the
 * structured facts as text and may only answer with a short plain sentence or
 * two, stored as one `summary` fact (source "model"). It decides nothing: the
 * assistant's turns read the structured facts (lib/memory/view.ts) and never
 * this text, so no output can change a booking or another fact. Pure apart
 * from the model call.
 */

/** The configuration that turns it on: both, or no model is ever called. */
export interface SummaryConfig {
  ASSISTANT_MEMORY?: string;
  AI?: TextModel;
}

export function summaryModelOf(config: SummaryConfig): TextModel | undefined {
  return config.ASSISTANT_MEMORY === "llm" && config.AI ? config.AI : undefined;
}

/** A summary is rewritten at most this often per student, and only after a fact changed. */
export const SUMMARY_EVERY_MS = 6 * 60 * 60_000;
/** After learning, wait this long before summarizing, so one conversation's facts make one call. */
export const SUMMARY_DELAY_MS = 15 * 60_000;
const TIMEOUT_MS = 10_000;

export const DEFAULT_SUMMARY_MODEL = "@cf/meta/llama-3.1-8b-instruct";

/**
 * What the model may answer: whitespace folded to single spaces, 20 to 200
 * characters (a fact's length), plain text (no markdown, markup or links).
 * Anything else is dropped, not trimmed to fit.
 */
export const SummaryText = z
  .string()
  .transform((text) => text.replace(/\s+/g, " ").trim())
  .pipe(
    z
      .string()
      .min(20)
      .max(FACT_VALUE_MAX)
      .refine((text) => !/[*#_`<>[\]{}|\\]|https?:|www\./i.test(text), "plain text only"),
  );

/** Whether the alarm should ask for a summary: there are facts, and none changed since the last summary is too old. */
export function summaryDue(facts: readonly StudentFact[], now: number): boolean {
  const summary = facts.find((fact) => fact.kind === "summary");
  const newest = Math.max(-1, ...facts.filter((fact) => fact.kind !== "summary").map((fact) => fact.learnedAt));
  if (newest < 0) return false;
  if (!summary) return true;
  return newest > summary.learnedAt && now - summary.learnedAt >= SUMMARY_EVERY_MS;
}

/** When a summary may next be written after learning at `now` (the alarm's time for it). */
export function summaryAt(facts: readonly StudentFact[], now: number): number {
  const last = facts.find((fact) => fact.kind === "summary")?.learnedAt;
  return Math.max(now + SUMMARY_DELAY_MS, last === undefined ? 0 : last + SUMMARY_EVERY_MS);
}

/** The facts as the model reads them: one labelled line each, the old summary left out. */
export function summaryPrompt(facts: readonly StudentFact[]): string {
  return facts
    .filter((fact) => fact.kind !== "summary")
    .map((fact) => `${KIND_LABEL[fact.kind]}: ${factValueText(fact)}`)
    .join("\n");
}

/**
 * One model call: the summary as a fact to store, or undefined when the model
 * failed, was slow, or answered anything but short plain text.
 */
export async function writeSummary(model: TextModel, facts: readonly StudentFact[], name = DEFAULT_SUMMARY_MODEL): Promise<NewFact | undefined> {
  try {
    const output = await withTimeout(
      model.run(name, {
        messages: [
          {
            role: "system",
            content:
              "Summarize what a tutoring center's assistant knows about this student in one or two short sentences (at most 200 characters). Use only the facts given; add nothing. Plain text, no markdown, no lists. Reply with the summary only.",
          },
          { role: "user", content: summaryPrompt(facts) },
        ],
      }),
      TIMEOUT_MS,
    );
    const response = typeof output === "object" && output !== null && "response" in output ? output.response : undefined;
    const text = SummaryText.safeParse(response);
    if (!text.success) return undefined;
    return { kind: "summary", value: text.data, source: { type: "model" }, confidence: 0.5 };
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("summary timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
