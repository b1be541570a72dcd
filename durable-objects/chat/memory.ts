import { factsFromExchange, type TurnLesson } from "../../lib/memory/learn";
import type { MemoryView } from "../../lib/memory/view";
import { learnAfterTurn, recallMemory, type MemoryEnv } from "../../workers/memory";

/**
 * A chat's view of its owner's memory (durable-objects/student-memory.ts).
 * The copy is never stored: it is read with one StudentMemory call on the
 * chat's first turn or the first after a wake, and refreshed for free by the
 * answer to each learning call. Learning is sent after the reply, unawaited.
 */
export class ChatMemory {
  /** null: not read since this object woke. */
  private copy: { view: MemoryView | undefined } | null = null;

  constructor(private readonly env: MemoryEnv) {}

  /** The owner's memory for a turn: this chat's copy, else one call to their StudentMemory. */
  async recall(ownerId: string, now: number): Promise<MemoryView | undefined> {
    if (this.copy) return this.copy.view;
    // A memory that could not be asked is asked again next turn; one that answered is kept.
    this.copy = await recallMemory(this.env, ownerId, now);
    return this.copy?.view;
  }

  /** What one stored exchange taught (often nothing: then no call at all). Never awaited by the reply. */
  learn(input: { ownerId: string; chatId: string; seq: number; message: string; lesson: TurnLesson | undefined; now: number }): void {
    const facts = factsFromExchange({ chatId: input.chatId, seq: input.seq, message: input.message, ...(input.lesson ? { lesson: input.lesson } : {}) });
    learnAfterTurn(this.env, input.ownerId, facts, input.now, (view) => (this.copy = { view }));
  }
}
