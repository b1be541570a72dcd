import { fail, ok, type Result } from "../lib/errors";
import { correctedFact } from "../lib/memory/correction";
import type { ForgetMeResult } from "../lib/memory/page-schemas";
import { FactId, type StudentFact } from "../lib/memory/schemas";
import { OwnerId } from "../lib/schemas";
import { forgetOwner, type ForgetEnv } from "../services/forget-me";
import { clock } from "../lib/time";
import { studentMemory } from "../services/objects";

/**
 * The student's side of their memory ("What the assistant remembers", /memory):
 * list, delete or correct a fact, and "Forget me". Every call addresses only
 * the caller's own StudentMemory (`idFromName(ownerId)`), so another owner's
 * fact ids are simply not there: 404, nothing changed.
 */

type PageEnv = ForgetEnv;

function noFact(): Result<never> {
  return fail("not_found:memory", "The assistant remembers no such fact about you.");
}

export class MemoryPage {
  constructor(private readonly env: PageEnv) {}

  /** Every fact held about the owner, newest first (0 rows: the object keeps them in memory). */
  async facts(ownerId: string): Promise<Result<{ facts: StudentFact[] }>> {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return ok({ facts: [] });
    return studentMemory(this.env, owner.data).recall(owner.data);
  }

  /** Deletes one fact (1 row); an id the owner's memory does not hold is 404. */
  async forget(ownerId: string, factId: string): Promise<Result<{ facts: StudentFact[] }>> {
    const owner = OwnerId.safeParse(ownerId);
    const id = FactId.safeParse(factId);
    if (!owner.success || !id.success) return noFact();
    const forgot = await studentMemory(this.env, owner.data).forget(owner.data, id.data);
    if (!forgot.ok) return forgot;
    return forgot.value.forgotten ? ok({ facts: forgot.value.facts }) : noFact();
  }

  /**
   * Rewrites one fact with the student's own value (source "student edit",
   * confidence 1): a name, email, preference or goal. A goal's id follows its
   * text, so a changed goal is learned anew and the old one forgotten (2 rows).
   */
  async correct(ownerId: string, factId: string, value: string): Promise<Result<{ fact: StudentFact; facts: StudentFact[] }>> {
    const owner = OwnerId.safeParse(ownerId);
    const id = FactId.safeParse(factId);
    if (!owner.success || !id.success) return noFact();
    const memory = studentMemory(this.env, owner.data);
    const held = await memory.recall(owner.data);
    if (!held.ok) return held;
    const before = held.value.facts.find((fact) => fact.id === id.data);
    if (!before) return noFact();
    if (typeof value !== "string") return fail("bad_request:body", "Send the new value as text.");
    const corrected = correctedFact(before.kind, value);
    if (!corrected.ok) return fail("bad_request:body", corrected.message);
    const learned = await memory.learn(owner.data, [corrected.fact], clock.now());
    if (!learned.ok) return learned;
    let facts = learned.value.facts;
    const fact = facts.find((entry) => entry.kind === before.kind && entry.value === corrected.fact.value);
    // A student edit always wins (lib/memory/facts.ts): not finding it would be a bug, not bad input.
    if (!fact) return fail("internal:server", "The correction was not kept.");
    if (fact.id !== before.id) {
      const forgot = await memory.forget(owner.data, before.id);
      if (forgot.ok) facts = forgot.value.facts;
    }
    return ok({ fact, facts });
  }

  /** "Forget me" (services/forget-me.ts): everything the owner id holds but the center's booking records, and the id itself. */
  async forgetMe(ownerId: string): Promise<Result<ForgetMeResult>> {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return forgetOwner(this.env, owner.data, clock.now());
  }

}
