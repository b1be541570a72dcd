import { z } from "../../lib/zod";
import { factsFromExchange, type TurnLesson } from "../../lib/memory/learn";
import { StudentFact } from "../../lib/memory/schemas";
import { memoryView, type MemoryView } from "../../lib/memory/view";
import { learnAfterTurn, recallFacts, type MemoryEnv } from "../../services/memory";
import { memoryVersion } from "../../services/db/memory-version";

/** `ownerId`'s facts as of `version` (their `profiles.memory_version` when the facts were read). */
export interface MemoryCopy {
  ownerId: string;
  facts: StudentFact[];
  version: number;
}

const StoredFacts = z.array(StudentFact).max(200);

/**
 * A chat's copy of its owner's memory (durable-objects/student-memory.ts),
 * kept in the chat's own `session` row so that a woken object does not have to
 * ask the memory object again.
 *
 * Each turn reads the owner's `memory_version` from D1 (one row, in parallel
 * with the center's policy). While it matches the copy's, the copy is current:
 * 0 Durable Object calls. When it differs (the memory learned something in
 * another chat, or the student changed it on the memory page), one
 * `StudentMemory.recall` brings the facts and the copy is stored again (1 row
 * written). Learning is sent after the reply, unawaited; its answer refreshes
 * the copy for free.
 */
export class ChatMemory {
  private copy: MemoryCopy | null = null;
  /** The copy was read before the chat's session row existed (its first turn): stored with that row. */
  private pending = false;

  constructor(
    private readonly env: MemoryEnv & Pick<Env, "DB">,
    /** Stores a new copy with the chat (one row); false when the chat has no session row yet. */
    private readonly store: (copy: MemoryCopy) => boolean,
  ) {}

  /** The copy to store in the session row being created for `ownerId` (then it counts as stored). */
  unstored(ownerId: string): MemoryCopy | null {
    if (!this.pending || this.copy?.ownerId !== ownerId) return null;
    this.pending = false;
    return this.copy;
  }

  /** The copy stored with the chat, read with its session row at wake (a copy that no longer parses is dropped). */
  restore(stored: { ownerId: string; facts: string | null; version: number | null }): void {
    if (stored.facts === null || stored.version === null) return;
    try {
      const facts = StoredFacts.safeParse(JSON.parse(stored.facts));
      if (facts.success) this.copy = { ownerId: stored.ownerId, facts: facts.data, version: stored.version };
    } catch {
      // Not JSON: the next turn asks the memory object.
    }
  }

  /**
   * The owner's memory for a turn: the copy while the version in D1 matches it,
   * else one call to their StudentMemory. Never throws: when neither D1 nor the
   * memory can be asked, the turn goes on with the copy, or without memory.
   */
  async recall(ownerId: string, now: number): Promise<MemoryView | undefined> {
    const version = await memoryVersion(this.env.DB, { ownerId }).catch((error: unknown) => {
      console.warn("[memory] could not read the memory version", error);
      return null;
    });
    // Only ever this owner's copy (a chat has one owner; this also holds before its first row exists).
    const copy = this.copy?.ownerId === ownerId ? this.copy : null;
    if (copy && copy.version === version) return memoryView(copy.facts, now);
    const recalled = await recallFacts(this.env, ownerId);
    if (!recalled) return copy ? memoryView(copy.facts, now) : undefined;
    // Labelled with the version read before the recall: if the memory moved on in between, the
    // next turn sees a newer version and asks again. A copy is never newer than it claims to be stale.
    if (version !== null) this.keep({ ownerId, facts: recalled.facts, version });
    return memoryView(recalled.facts, now);
  }

  /** What one stored exchange taught (often nothing: then no call at all). Never awaited by the reply. */
  learn(input: { ownerId: string; chatId: string; seq: number; message: string; lesson: TurnLesson | undefined; now: number }): void {
    const facts = factsFromExchange({ chatId: input.chatId, seq: input.seq, message: input.message, ...(input.lesson ? { lesson: input.lesson } : {}) });
    learnAfterTurn(this.env, input.ownerId, facts, input.now, (learned) => {
      if (learned.version !== null) this.keep({ ownerId: input.ownerId, facts: learned.facts, version: learned.version });
    });
  }

  private keep(copy: MemoryCopy): void {
    if (this.copy?.ownerId === copy.ownerId && this.copy.version === copy.version) return;
    this.copy = copy;
    this.pending = !this.store(copy);
  }
}
