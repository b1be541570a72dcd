import type { MovedBooking, NewFact, SettledBooking, StudentFact } from "../lib/memory/schemas";
import { OWNER_ID_PATTERN } from "../lib/schemas";
import { studentMemory } from "./objects";

/**
 * The sidecar's side of a student's memory (durable-objects/student-memory.ts,
 * one object per owner id). Reading it never fails a turn (an unreachable
 * memory reads as none), and learning is never awaited by a reply.
 */

export type MemoryEnv = Pick<Env, "STUDENT_MEMORY">;

/**
 * One DO call: every fact held about `ownerId` (none when it knows nothing) and the memory version
 * they are at, or null when the memory could not be asked (the turn goes on without it).
 */
export async function recallFacts(env: MemoryEnv, ownerId: string): Promise<{ facts: StudentFact[]; version: number | null } | null> {
  try {
    const recalled = await studentMemory(env, ownerId).recall(ownerId);
    // A memory never written ("not found" to everyone) is the empty memory at version 0.
    return recalled.ok ? recalled.value : { facts: [], version: 0 };
  } catch (error) {
    console.warn("[memory] could not recall", error);
    return null;
  }
}

/**
 * Sends one exchange's facts to the student's memory WITHOUT being awaited:
 * called by the ChatSession after it has stored and pushed the reply. A
 * Durable Object outlives the call that woke it, so the promise runs on after
 * the answer (no waitUntil needed, unlike an entrypoint). When the facts
 * changed the memory, `learned` gets it as it now stands with its new version,
 * so the chat's copy stays current at no extra call.
 */
export function learnAfterTurn(
  env: MemoryEnv,
  ownerId: string,
  facts: readonly NewFact[],
  now: number,
  learned?: (memory: { facts: StudentFact[]; version: number | null }) => void,
): void {
  if (facts.length === 0) return;
  try {
    void studentMemory(env, ownerId)
      .learn(ownerId, [...facts], now)
      .then(
        (result) => {
          if (!result.ok) console.warn("[memory] facts refused", result.error.message);
          else if (result.value.changed > 0) learned?.({ facts: result.value.facts, version: result.value.version });
        },
        (error: unknown) => console.warn("[memory] facts not learned", error),
      );
  } catch (error) {
    console.warn("[memory] facts not learned", error);
  }
}

/** Keeps a promise alive past the caller's answer (ExecutionContext.waitUntil in an entrypoint). */
type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * A booking's outcome decided after its chat turn (the student's cancel in a chat or on My bookings,
 * the center's cancel, attendance), sent to the student's memory without holding up the answer.
 * From an entrypoint pass its waitUntil; a Durable Object's pending call keeps it alive by itself.
 * Without `env` (a caller given no memory) nothing is sent.
 */
export function settleBooking(env: MemoryEnv | undefined, ownerId: string, settled: SettledBooking, now: number, waitUntil?: WaitUntil): void {
  // A booking whose student asked to be forgotten belongs to nobody (services/db/forget-me.ts): no memory to tell.
  if (!env || !OWNER_ID_PATTERN.test(ownerId)) return;
  send("outcome", () => studentMemory(env, ownerId).settle(ownerId, settled.bookingId, settled.outcome, now, settled.cancelledBy), waitUntil);
}

/** A booking moved: its weekly hour and tutor become the memory's (`StudentMemory.moved`), not awaited. */
export function moveInMemory(env: MemoryEnv | undefined, ownerId: string, moved: MovedBooking, now: number, waitUntil?: WaitUntil): void {
  if (!env) return;
  send("move", () => studentMemory(env, ownerId).moved(ownerId, moved, now), waitUntil);
}

/** One un-awaited call to the memory: a refusal or a failure is logged, never thrown. */
function send(what: string, call: () => Promise<{ ok: boolean; error?: { message: string } }>, waitUntil?: WaitUntil): void {
  try {
    const sent = call().then(
      (result) => {
        if (!result.ok) console.warn(`[memory] ${what} refused`, result.error?.message);
      },
      (error: unknown) => console.warn(`[memory] ${what} not learned`, error),
    );
    if (waitUntil) waitUntil(sent);
  } catch (error) {
    console.warn(`[memory] ${what} not learned`, error);
  }
}
