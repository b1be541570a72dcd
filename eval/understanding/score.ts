import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow, type LocalNow } from "../../lib/calendar";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { namesSomething, parseMessage, type ParsedMessage } from "../../lib/tutoring/parse";
import { ANY_TIME } from "../../lib/tutoring/phrasing";
import type { SearchCriteria } from "../../lib/tutoring/schemas";
import { mergeCriteria } from "../../lib/tutoring/search-flow";
import { z } from "../../lib/zod";

/**
 * Scores the assistant's understanding against eval/understanding/*.jsonl
 * (see its README for what each field means). Pure apart from the assistant
 * it calls: the runner (scripts/eval-understanding.mjs) reads and writes files.
 */

/** Wednesday 18 November 2026, 09:00 at the center: the clock every case is read at. */
export const EVAL_NOW = new Date("2026-11-18T17:00:00Z");

export const SLOTS = ["subject", "date", "time", "tutor", "mode"] as const;
export type Slot = (typeof SLOTS)[number];

const SlotValues = z
  .object({
    subject: z.string().min(1),
    date: z.string().regex(/^(\d{4}-\d{2}-\d{2}|soonest|from:\d{4}-\d{2}-\d{2})$/),
    time: z.string().regex(/^(any|\d{2}:\d{2}|\d{2}:\d{2}-|-\d{2}:\d{2}|\d{2}:\d{2}-\d{2}:\d{2})$/),
    tutor: z.string().min(1),
    mode: z.enum(["online", "in_person"]),
  })
  .partial()
  .strict();
export type SlotValues = z.infer<typeof SlotValues>;

const Lang = z.enum(["en", "es"]);

export const MessageCase = SlotValues.extend({
  id: z.string().min(1),
  lang: Lang,
  category: z.string().min(1),
  text: z.string().min(1),
  intent: z.string().min(1),
}).strict();
export type MessageCase = z.infer<typeof MessageCase>;

export const DialogueCase = z
  .object({
    id: z.string().min(1),
    lang: Lang,
    category: z.string().min(1),
    turns: z.array(z.object({ text: z.string().min(1), state: SlotValues }).strict()).min(1),
  })
  .strict();
export type DialogueCase = z.infer<typeof DialogueCase>;

export interface Reading {
  intent?: string;
  slots: SlotValues;
}

const catalog = createMemoryCatalog(SEED_TUTORS);

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function subjectOf(parsed: ParsedMessage): string | undefined {
  if (parsed.skill) return parsed.skill;
  if (parsed.skillOptions) return [...parsed.skillOptions].sort().join("|");
  if (parsed.unknownSubject) return `!${fold(parsed.unknownSubject.name)}`;
  return undefined;
}

/** The state's slots in the eval's notation. */
export function stateSlots(criteria: SearchCriteria, today: LocalNow): SlotValues {
  const slots: SlotValues = {};
  if (criteria.skill) slots.subject = criteria.skill;
  if (criteria.day && criteria.date) slots.date = criteria.date;
  else if (criteria.date) slots.date = criteria.date === today.date ? "soonest" : `from:${criteria.date}`;
  const { timeFrom: from, timeTo: to } = criteria;
  if (from === ANY_TIME.timeFrom && to === ANY_TIME.timeTo) slots.time = "any";
  else if (from && to) slots.time = from === to ? from : `${from}-${to}`;
  else if (from) slots.time = `${from}-`;
  else if (to) slots.time = `-${to}`;
  if (criteria.tutorName) slots.tutor = criteria.tutorName;
  if (criteria.mode) slots.mode = criteria.mode;
  return slots;
}

function intentOf(parsed: ParsedMessage, slots: SlotValues): string {
  if (parsed.intent) return parsed.intent;
  if (parsed.unknownSubject && !parsed.skill && !parsed.skillOptions) return "unknown_subject";
  if (namesSomething(parsed) || slots.tutor || slots.mode) return "search";
  return parsed.greeting ? "greeting" : "none";
}

/** One message on its own, from a fresh chat: its intent, and the search state it leaves. */
export async function readMessage(text: string): Promise<Reading> {
  const today = localNow(EVAL_NOW);
  const [subjects, tutors] = await Promise.all([catalog.subjects(), catalog.tutorNames?.() ?? []]);
  const parsed = parseMessage(text, { subjects, tutors, today });
  const slots = stateSlots(mergeCriteria({ excludeTutorIds: [] }, parsed, today), today);
  delete slots.subject;
  const subject = subjectOf(parsed);
  if (subject) slots.subject = subject;
  return { intent: intentOf(parsed, slots), slots };
}

/** A conversation through the real assistant: the search state after each turn. */
export async function readDialogue(texts: readonly string[]): Promise<SlotValues[]> {
  const today = localNow(EVAL_NOW);
  let fields: SessionFields = EMPTY_SESSION_FIELDS;
  const states: SlotValues[] = [];
  for (const message of texts) {
    const turn = await respond({ fields, message, now: EVAL_NOW, catalog });
    fields = SessionFields.parse({ ...fields, ...turn.patch });
    states.push(stateSlots(fields.searchCriteria ?? { excludeTutorIds: [] }, today));
  }
  return states;
}

/** One scored item: a message, or one turn of a dialogue. */
export interface Scored {
  id: string;
  lang: string;
  category: string;
  text: string;
  expected: Reading;
  actual: Reading;
}

interface SlotScore {
  precision: number;
  recall: number;
  f1: number;
}

export interface Metrics {
  count: number;
  /** Over the items annotated with an intent (dialogue turns are not). */
  intentAccuracy: number;
  /** Intent (where annotated) and every slot right. */
  jointGoalAccuracy: number;
  slots: Record<Slot, SlotScore>;
}

export interface Report {
  overall: Metrics;
  byLanguage: Record<string, Metrics>;
  byCategory: Record<string, Metrics>;
  /** Ids of the items not fully understood, sorted. */
  misses: string[];
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export function isRight(item: Scored): boolean {
  if (item.expected.intent !== undefined && item.expected.intent !== item.actual.intent) return false;
  return SLOTS.every((slot) => item.expected.slots[slot] === item.actual.slots[slot]);
}

export function metrics(items: readonly Scored[]): Metrics {
  const withIntent = items.filter((item) => item.expected.intent !== undefined);
  const intentRight = withIntent.filter((item) => item.expected.intent === item.actual.intent).length;
  const slots = {} as Record<Slot, SlotScore>;
  for (const slot of SLOTS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const item of items) {
      const expected = item.expected.slots[slot];
      const actual = item.actual.slots[slot];
      if (expected !== undefined && actual === expected) tp++;
      if (actual !== undefined && actual !== expected) fp++;
      if (expected !== undefined && actual !== expected) fn++;
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    slots[slot] = { precision: round(precision), recall: round(recall), f1: round(f1) };
  }
  return {
    count: items.length,
    intentAccuracy: round(withIntent.length === 0 ? 1 : intentRight / withIntent.length),
    jointGoalAccuracy: round(items.length === 0 ? 1 : items.filter(isRight).length / items.length),
    slots,
  };
}

function groupBy(items: readonly Scored[], key: (item: Scored) => string): Record<string, Metrics> {
  const groups = new Map<string, Scored[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return Object.fromEntries([...groups.keys()].sort().map((name) => [name, metrics(groups.get(name) ?? [])]));
}

export function report(items: readonly Scored[]): Report {
  return {
    overall: metrics(items),
    byLanguage: groupBy(items, (item) => item.lang),
    byCategory: groupBy(items, (item) => item.category),
    misses: items.filter((item) => !isRight(item)).map((item) => item.id).sort(),
  };
}

/** Reads every case: messages one by one, dialogues turn by turn. */
export async function scoreCases(messages: readonly MessageCase[], dialogues: readonly DialogueCase[]): Promise<Scored[]> {
  const scored: Scored[] = [];
  for (const { id, lang, category, text, intent, ...slots } of messages) {
    scored.push({ id, lang, category, text, expected: { intent, slots }, actual: await readMessage(text) });
  }
  for (const dialogue of dialogues) {
    const states = await readDialogue(dialogue.turns.map((turn) => turn.text));
    dialogue.turns.forEach((turn, index) => {
      const id = `${dialogue.id}#${index + 1}`;
      scored.push({ id, lang: dialogue.lang, category: dialogue.category, text: turn.text, expected: { slots: turn.state }, actual: { slots: states[index] ?? {} } });
    });
  }
  return scored;
}

/** Every number in `baseline` that `current` falls below, as "path: old → new". */
export function drops(baseline: Report, current: Report): string[] {
  const found: string[] = [];
  const compare = (path: string, before: Metrics | undefined, after: Metrics | undefined) => {
    if (!before) return;
    const now = after ?? metrics([]);
    const pairs: Array<[string, number, number]> = [
      ["intentAccuracy", before.intentAccuracy, now.intentAccuracy],
      ["jointGoalAccuracy", before.jointGoalAccuracy, now.jointGoalAccuracy],
      ...SLOTS.map((slot): [string, number, number] => [`slots.${slot}.f1`, before.slots[slot].f1, now.slots[slot].f1]),
    ];
    for (const [name, old, value] of pairs) if (value < old - 1e-9) found.push(`${path}.${name}: ${old} → ${value}`);
  };
  compare("overall", baseline.overall, current.overall);
  for (const [lang, before] of Object.entries(baseline.byLanguage)) compare(`byLanguage.${lang}`, before, current.byLanguage[lang]);
  for (const [category, before] of Object.entries(baseline.byCategory)) compare(`byCategory.${category}`, before, current.byCategory[category]);
  return found;
}

const SlotScoreSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number() });
const MetricsSchema = z.object({
  count: z.number(),
  intentAccuracy: z.number(),
  jointGoalAccuracy: z.number(),
  slots: z.object(Object.fromEntries(SLOTS.map((slot) => [slot, SlotScoreSchema])) as Record<Slot, typeof SlotScoreSchema>),
});

/** The committed baseline (result.json), read back with the same shape it was written in. */
export const BaselineReport = z.object({
  clock: z.string(),
  overall: MetricsSchema,
  byLanguage: z.record(z.string(), MetricsSchema),
  byCategory: z.record(z.string(), MetricsSchema),
  misses: z.array(z.string()),
});
