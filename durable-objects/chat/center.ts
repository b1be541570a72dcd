import { z } from "../../lib/zod";
import { CenterPolicy } from "../../lib/center/policy";
import { SNAPSHOT_TTL_MS, type CenterSnapshot } from "../../lib/center/snapshot";
import { centerObject } from "../../services/objects";

/** The snapshot a chat keeps and when it asked for it (its subscription's age). */
export interface CenterCopy {
  snapshot: CenterSnapshot;
  askedAt: number;
}

const StoredSnapshot = z.object({ version: z.number().int(), policy: CenterPolicy, catalogVersion: z.number().int(), readAt: z.number() });

/**
 * A chat's copy of its center's snapshot (durable-objects/center.ts), kept in the chat's own
 * `session` row: a chat asks its Center once a day (1 call, which subscribes it), and every turn in
 * between — awake or woken — uses the copy (0 calls, 0 D1 statements). The Center pushes each change
 * to the chats that asked (`changed`, 1 row written here), so a staff edit reaches the next turn.
 */
export class ChatCenter {
  private copy: CenterCopy | null = null;
  /** The copy was asked for before the chat's session row existed (its first turn): stored with that row. */
  private pending = false;

  constructor(
    private readonly env: Pick<Env, "CENTER">,
    /** Stores a copy with the chat (one row); false when the chat has no session row yet. */
    private readonly store: (copy: CenterCopy) => boolean,
  ) {}

  /** The copy stored with the chat, read with its session row at wake (one that no longer parses is asked for again). */
  restore(stored: { snapshot: string | null; askedAt: number | null }): void {
    if (stored.snapshot === null || stored.askedAt === null) return;
    try {
      const snapshot = StoredSnapshot.safeParse(JSON.parse(stored.snapshot));
      if (snapshot.success) this.copy = { snapshot: snapshot.data, askedAt: stored.askedAt };
    } catch {
      // Not JSON: the next turn asks the Center.
    }
  }

  /** The copy to store in the session row being created (then it counts as stored). */
  unstored(): CenterCopy | null {
    if (!this.pending) return null;
    this.pending = false;
    return this.copy;
  }

  /** The chat's center (its owner's, `centerOfOwner`) as of now, for the turn of chat `chatId`. */
  async current(chatId: string, center: string, now: number): Promise<CenterSnapshot> {
    if (this.copy && now - this.copy.askedAt < SNAPSHOT_TTL_MS) return this.copy.snapshot;
    const asked = await centerObject(this.env, center).snapshot(chatId, center);
    // A push may have crossed the answer: the newer of the two stays.
    const snapshot = this.copy && this.copy.snapshot.version > asked.version ? this.copy.snapshot : asked;
    this.keep({ snapshot, askedAt: now });
    return snapshot;
  }

  /** The Center's push. A chat that holds no copy keeps none: its next turn asks (and so subscribes). */
  changed(snapshot: CenterSnapshot): void {
    if (this.copy && this.copy.snapshot.version < snapshot.version) this.keep({ ...this.copy, snapshot });
  }

  private keep(copy: CenterCopy): void {
    this.copy = copy;
    this.pending = !this.store(copy);
  }
}
