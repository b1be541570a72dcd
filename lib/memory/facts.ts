import { SINGLE_KINDS, type FactKind, type NewFact, type StudentFact } from "./schemas";

/**
 * How a proposed fact meets the stored ones: its id (so learning the same
 * thing twice finds one row), whether it changes anything, and what to drop
 * when a kind holds too many. Pure: the Durable Object only writes the answer.
 */

/** At most this many values of a multi-valued kind; the oldest goes first. */
export const KIND_CAP: Partial<Record<FactKind, number>> = { subject: 10, tutor: 10, goal: 5, avoid_tutor: 10, avoid_time: 6 };

/** Kinds where the newest statement is right whatever was said before ("actually my email is …"). */
const NEWEST_WINS: ReadonlySet<FactKind> = new Set<FactKind>(["name", "email", "last_interaction"]);

export function keyOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.+_-]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

export function factId(fact: Pick<NewFact, "kind" | "value" | "detail">): string {
  if (SINGLE_KINDS.has(fact.kind)) return fact.kind;
  if (fact.kind === "tutor" && fact.detail) return `tutor:${fact.detail.tutorId}`;
  return `${fact.kind}:${keyOf(fact.value)}`;
}

function sameContent(a: Pick<StudentFact, "value" | "detail">, b: Pick<StudentFact, "value" | "detail">): boolean {
  return a.value === b.value && JSON.stringify(a.detail ?? null) === JSON.stringify(b.detail ?? null);
}

/**
 * A proposal replaces a stored fact when it says something different and is
 * at least as sure (a booking's guess at a preferred mode never overrides what
 * the student said), or when the kind is one where the newest word wins.
 */
function replaces(stored: StudentFact, next: NewFact): boolean {
  if (sameContent(stored, next)) return false;
  if (stored.source.type === "student_edit" && next.source.type !== "student_edit" && !NEWEST_WINS.has(next.kind)) return false;
  return NEWEST_WINS.has(next.kind) || next.confidence >= stored.confidence;
}

export interface FactPlan {
  /** Rows to insert or overwrite, one each. */
  upserts: StudentFact[];
  /** Ids to delete: the oldest of a kind over its cap. */
  deletes: string[];
}

/** What learning `proposed` at `now` changes in `stored`: only changed facts are written. */
export function planFacts(stored: ReadonlyMap<string, StudentFact>, proposed: readonly NewFact[], now: number): FactPlan {
  const next = new Map<string, StudentFact>();
  for (const fact of proposed) {
    const id = factId(fact);
    const before = next.get(id) ?? stored.get(id);
    if (before && !replaces(before, fact)) continue;
    next.set(id, { id, kind: fact.kind, value: fact.value, ...(fact.detail ? { detail: fact.detail } : {}), source: fact.source, learnedAt: now, confidence: fact.confidence });
  }
  return withinCaps(stored, next);
}

/**
 * Another memory's facts joining this one (the student signed in: their browser's memory moves to
 * the account's): each fact not held, or held but learned earlier, is taken as it was learned; then
 * each kind's cap keeps the newest. Taking the same facts again plans nothing.
 */
export function planAbsorb(stored: ReadonlyMap<string, StudentFact>, incoming: readonly StudentFact[]): FactPlan {
  const next = new Map<string, StudentFact>();
  for (const fact of incoming) {
    const before = next.get(fact.id) ?? stored.get(fact.id);
    if (before && before.learnedAt >= fact.learnedAt) continue;
    next.set(fact.id, fact);
  }
  return withinCaps(stored, next);
}

/** The upserts `next` plans over `stored`, less what each kind's cap drops (the oldest), and the stored facts it drops. */
function withinCaps(stored: ReadonlyMap<string, StudentFact>, next: Map<string, StudentFact>): FactPlan {
  const deletes: string[] = [];
  for (const [kind, cap] of Object.entries(KIND_CAP) as [FactKind, number][]) {
    const all = new Map([...stored].filter(([, fact]) => fact.kind === kind));
    for (const [id, fact] of next) if (fact.kind === kind) all.set(id, fact);
    const overflow = [...all.values()].sort((a, b) => a.learnedAt - b.learnedAt || (a.id < b.id ? -1 : 1)).slice(0, Math.max(0, all.size - cap));
    for (const fact of overflow) {
      next.delete(fact.id);
      if (stored.has(fact.id)) deletes.push(fact.id);
    }
  }
  return { upserts: [...next.values()], deletes };
}
