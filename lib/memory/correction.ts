import { z } from "../zod";
import { isValidEmail, isValidName } from "../tutoring/parse-contact";
import { WEEKDAYS } from "../tutoring/schemas";
import { FACT_VALUE_MAX, NewFact, type FactKind } from "./schemas";

/**
 * What a student may fix on the memory page ("What the assistant remembers"):
 * their name, email, preferences and goals. Tutors, subjects, avoidances and
 * the last interaction are facts about what happened or a rule the assistant
 * obeys: those are deleted, not rewritten. Each corrected value is checked with
 * the same rules learning uses, so the assistant reads back what was typed.
 */

export const EDITABLE_KINDS = ["name", "email", "preferred_day", "preferred_time", "preferred_mode", "goal"] as const satisfies readonly FactKind[];
export type EditableKind = (typeof EDITABLE_KINDS)[number];

export function isEditable(kind: FactKind): kind is EditableKind {
  return (EDITABLE_KINDS as readonly FactKind[]).includes(kind);
}

/** The body of `PUT /api/memory/facts/[factId]`. */
export const FactCorrection = z.object({ value: z.string().trim().min(1).max(FACT_VALUE_MAX) });
export type FactCorrection = z.infer<typeof FactCorrection>;

export const PREFERRED_DAYS = [...WEEKDAYS, "weekends"] as const;
export const PREFERRED_TIMES = ["mornings", "afternoons", "evenings"] as const;
export const PREFERRED_MODES = ["online", "in_person"] as const;

const VALUE_RULES: Record<EditableKind, (value: string) => string | undefined> = {
  name: (value) => (isValidName(value) ? value.trim() : undefined),
  email: (value) => (isValidEmail(value) ? value.trim().toLowerCase() : undefined),
  preferred_day: (value) => oneOf(PREFERRED_DAYS, value),
  preferred_time: (value) => oneOf(PREFERRED_TIMES, value),
  preferred_mode: (value) => oneOf(PREFERRED_MODES, value.replace(/[- ]/g, "_")),
  goal: (value) => value.trim(),
};

function oneOf(allowed: readonly string[], value: string): string | undefined {
  const lower = value.trim().toLowerCase();
  return allowed.includes(lower) ? lower : undefined;
}

/**
 * The fact a correction stores (source "student edit", confidence 1), or why it
 * cannot: the kind is not one a student rewrites, or the value breaks its rule.
 */
export function correctedFact(kind: FactKind, value: string): { ok: true; fact: NewFact } | { ok: false; message: string } {
  if (!isEditable(kind)) return { ok: false, message: "That fact can be deleted but not changed." };
  const cleaned = VALUE_RULES[kind](value);
  if (cleaned === undefined) return { ok: false, message: kind === "email" ? "That is not an email address we can use." : kind === "name" ? "That does not read as a name." : "That value is not one of the choices." };
  const parsed = NewFact.safeParse({ kind, value: cleaned, source: { type: "student_edit" }, confidence: 1 });
  return parsed.success ? { ok: true, fact: parsed.data } : { ok: false, message: "That value is not valid." };
}

