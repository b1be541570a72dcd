import { z } from "../../lib/zod";
import { factsFromExchange, type TurnLesson } from "../../lib/memory/learn";
import { StudentFact } from "../../lib/memory/schemas";
import { memoryView, type MemoryView } from "../../lib/memory/view";
import { learnAfterTurn, recallFacts, type MemoryEnv } from "../../services/memory";

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
 * A turn with a copy reads nothing (0 D1 statements, 0 calls). The memory
 * object tells each of the owner's chats when it changes (`changed`, after
 * every learn, edit, booking change, merge or forget), and the copy is dropped
 * (1 row written): the next turn asks it again, one `StudentMemory.recall`,
 * and stores the answer with the version it is at (1 row written). Learning is
 * sent after the reply, unawaited; its answer refreshes the copy for free.
 */
export class ChatMemory {
  private copy: MemoryCopy | null = null;
  /** The copy was read before the chat's session row existed (its first turn): stored with that row. */
  private pending = false;
  /** The newest memory version this chat has heard of (a copy older than it is never kept). */
  private newest = 0;
  /** Moved by every change told: a recall that a change crossed is used for its turn, not kept. */
  private told = 0;

  constructor(
    private readonly env: MemoryEnv,
    /** Stores a new copy with the chat (one row), or drops the stored one (null); false when the chat has no session row yet. */
    private readonly store: (copy: MemoryCopy | null) => boolean,
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
      if (facts.success) {
        this.copy = { ownerId: stored.ownerId, facts: facts.data, version: stored.version };
        this.newest = stored.version;
      }
    } catch {
      // Not JSON: the next turn asks the memory object.
    }
  }

  /**
   * The owner's memory for a turn: the copy, else one call to their StudentMemory. Never throws:
   * when the memory cannot be asked, the turn goes on without it.
   */
  async recall(ownerId: string, now: number): Promise<MemoryView | undefined> {
    // Only ever this owner's copy (a chat has one owner; this also holds before its first row exists).
    if (this.copy?.ownerId === ownerId) return memoryView(this.copy.facts, now);
    const told = this.told;
    const recalled = await recallFacts(this.env, ownerId);
    if (!recalled) return undefined;
    if (recalled.version !== null && told === this.told) this.keep({ ownerId, facts: recalled.facts, version: recalled.version });
    return memoryView(recalled.facts, now);
  }

  /** What one stored exchange taught (often nothing: then no call at all). Never awaited by the reply. */
  learn(input: { ownerId: string; chatId: string; seq: number; message: string; lesson: TurnLesson | undefined; now: number }): void {
    const facts = factsFromExchange({ chatId: input.chatId, seq: input.seq, message: input.message, ...(input.lesson ? { lesson: input.lesson } : {}) });
    learnAfterTurn(this.env, input.ownerId, facts, input.now, (learned) => {
      if (learned.version !== null) this.keep({ ownerId: input.ownerId, facts: learned.facts, version: learned.version });
    });
  }

  /** The memory object's word that `ownerId`'s memory is now at `version` (null: unknown, so any copy is old). */
  changed(ownerId: string, version: number | null): void {
    this.told++;
    if (version !== null) this.newest = Math.max(this.newest, version);
    if (this.copy?.ownerId !== ownerId || (version !== null && this.copy.version >= version)) return;
    this.copy = null;
    this.pending = false;
    this.store(null);
  }

  private keep(copy: MemoryCopy): void {
    if (copy.version < this.newest) return;
    this.newest = copy.version;
    if (this.copy?.ownerId === copy.ownerId && this.copy.version === copy.version) return;
    this.copy = copy;
    this.pending = !this.store(copy);
  }
}
