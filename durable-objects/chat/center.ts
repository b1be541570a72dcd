import { SNAPSHOT_TTL_MS, type CenterSnapshot } from "../../lib/center/snapshot";
import { centerObject } from "../../services/objects";

/**
 * A chat's copy of its center's snapshot (durable-objects/center.ts), in memory only: the first
 * turn after the object wakes asks the Center once (1 call, 0 D1 statements while the Center holds
 * it); every later turn uses the copy (0 calls, 0 statements). The Center pushes each change to the
 * chats that asked (`changed`), so a staff edit reaches the next turn; a copy a day old is asked for
 * again, which also renews the subscription.
 */
export class ChatCenter {
  private copy: { snapshot: CenterSnapshot; askedAt: number } | null = null;

  constructor(private readonly env: Pick<Env, "CENTER">) {}

  /** The center as of now, for the turn of chat `chatId`. */
  async current(chatId: string, now: number): Promise<CenterSnapshot> {
    if (this.copy && now - this.copy.askedAt < SNAPSHOT_TTL_MS) return this.copy.snapshot;
    const snapshot = await centerObject(this.env).snapshot(chatId);
    // A push may have crossed the answer: the newer of the two stays.
    if (!this.copy || this.copy.snapshot.version <= snapshot.version) this.copy = { snapshot, askedAt: now };
    else this.copy = { ...this.copy, askedAt: now };
    return this.copy.snapshot;
  }

  /** The Center's push. A chat woken by it holds no copy and keeps none: its next turn asks. */
  changed(snapshot: CenterSnapshot): void {
    if (this.copy && this.copy.snapshot.version < snapshot.version) this.copy = { ...this.copy, snapshot };
  }
}
