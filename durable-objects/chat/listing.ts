import { chatTitle, recordChat } from "../../services/db/chats";

/** The D1 list entry's `updated_at` is refreshed at most this often. */
const LIST_TOUCH_MS = 60 * 60 * 1000;

/**
 * A chat's D1 row (its list entry, soft delete and purge), written by the chat itself alongside its
 * first message's turn. A chat whose row is known costs no statement per message; one whose write
 * failed (or that predates `listed_at`) tries again with its next message; the row's order is
 * touched at most hourly (by the sidecar, told through `touchList`).
 */
export class ChatListing {
  /** When the row was written or last touched (stored in the session row); null: not known to exist. */
  private listedAt: number | null = null;

  constructor(
    private readonly db: D1Database,
    /** Stores `listed_at` in the chat's session row (one row). */
    private readonly store: (at: number) => void,
  ) {}

  restore(listedAt: number | null): void {
    this.listedAt = listedAt;
  }

  /** Writes the row if it is not known to exist: true when it was written now. Never throws. */
  record(chat: { id: string; ownerId: string; content: string; now: number }): Promise<boolean> {
    if (this.listedAt !== null) return Promise.resolve(false);
    return recordChat(this.db, { id: chat.id, ownerId: chat.ownerId, title: chatTitle(chat.content), now: chat.now }).then(
      () => true,
      (error: unknown) => {
        console.error("[chats] could not record chat", chat.id, error);
        return false;
      },
    );
  }

  /**
   * Whether the row's order is due a touch, inside the message's transaction: a row written now is
   * new (a new chat's, stored with its session row) or late (stored here, and touched); else at most hourly.
   */
  listed(recorded: boolean, isNew: boolean, now: number): boolean {
    if (recorded) {
      this.listedAt = now;
      if (!isNew) this.store(now);
      return !isNew;
    }
    if (this.listedAt === null || now - this.listedAt < LIST_TOUCH_MS) return false;
    this.listedAt = now;
    this.store(now);
    return true;
  }
}
