import type { NewFact } from "../lib/memory/schemas";
import { memoryView, type MemoryView } from "../lib/memory/view";

/**
 * The sidecar's side of a student's memory (durable-objects/student-memory.ts,
 * one object per owner id). Reading it never fails a turn (an unreachable
 * memory reads as none), and learning is never awaited by a reply.
 */

export type MemoryEnv = Pick<Env, "STUDENT_MEMORY">;

export function studentMemory(env: MemoryEnv, ownerId: string) {
  return env.STUDENT_MEMORY.get(env.STUDENT_MEMORY.idFromName(ownerId));
}

/** One DO call: what the assistant should know about `ownerId`, or undefined when it knows nothing (or cannot ask). */
export async function recallMemory(env: MemoryEnv, ownerId: string, now: number): Promise<MemoryView | undefined> {
  try {
    const recalled = await studentMemory(env, ownerId).recall(ownerId);
    if (!recalled.ok) return undefined;
    return memoryView(recalled.value.facts, now);
  } catch (error) {
    console.warn("[memory] could not recall", error);
    return undefined;
  }
}

/**
 * Sends one exchange's facts to the student's memory WITHOUT being awaited:
 * called by the ChatSession after it has stored and pushed the reply. A
 * Durable Object outlives the call that woke it, so the promise runs on after
 * the answer (no waitUntil needed, unlike an entrypoint). `learned` gets the
 * memory as it now stands, so the chat's copy stays current at no extra call.
 */
export function learnAfterTurn(env: MemoryEnv, ownerId: string, facts: readonly NewFact[], now: number, learned?: (view: MemoryView) => void): void {
  if (facts.length === 0) return;
  try {
    void studentMemory(env, ownerId)
      .learn(ownerId, [...facts], now)
      .then(
        (result) => {
          if (!result.ok) console.warn("[memory] facts refused", result.error.message);
          else learned?.(memoryView(result.value.facts, now));
        },
        (error: unknown) => console.warn("[memory] facts not learned", error),
      );
  } catch (error) {
    console.warn("[memory] facts not learned", error);
  }
}
