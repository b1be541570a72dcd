import type { FeedEntry } from "../../lib/queue/schemas";

export const FEED_WINDOW_ENTRIES = 10_000;
export const FEED_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * The newest feed entries, in seq order, bounded by count AND by estimated
 * bytes (a DO has 128 MB; a window of long replies must not eat it). Staff and
 * bots poll the feed with a `seq` cursor; every cursor at or past
 * `coversAfter` is answered from here for 0 storage rows. An older cursor gets
 * `null` and the caller falls back to an indexed range read.
 *
 * Entries live in an array consumed from `head` (compacted now and then), so
 * appending and evicting are O(1) amortised and a poll is a binary search.
 */
export class FeedWindow {
  private entries: FeedEntry[] = [];
  private head = 0;
  private totalBytes = 0;
  /** Every entry with seq > coversAfter is in the window. */
  private covered = 0;
  private newest = 0;

  constructor(
    private readonly maxEntries = FEED_WINDOW_ENTRIES,
    private readonly maxBytes = FEED_WINDOW_BYTES,
  ) {}

  /**
   * Fills the window from the newest rows (given newest first, as
   * `ORDER BY seq DESC LIMIT n` returns them). `complete` says the rows are the
   * whole table, so even cursor 0 is covered.
   */
  load(newestFirst: FeedEntry[], complete: boolean): void {
    this.entries = [];
    this.head = 0;
    this.totalBytes = 0;
    this.newest = newestFirst[0]?.seq ?? 0;
    const kept: FeedEntry[] = [];
    let bytes = 0;
    for (const entry of newestFirst) {
      const size = entryBytes(entry);
      if (kept.length >= this.maxEntries || bytes + size > this.maxBytes) {
        complete = false;
        break;
      }
      kept.push(entry);
      bytes += size;
    }
    this.entries = kept.reverse();
    this.totalBytes = bytes;
    const oldest = this.entries[0];
    // Without the whole table in hand, only cursors from just before the oldest kept entry are safe.
    this.covered = complete ? 0 : oldest ? oldest.seq - 1 : this.newest;
  }

  /** Appends an entry whose seq is greater than every entry so far, evicting the oldest past the bounds. */
  append(entry: FeedEntry): void {
    if (entry.seq <= this.newest) throw new Error(`feed seq ${entry.seq} is not after ${this.newest}`);
    this.entries.push(entry);
    this.totalBytes += entryBytes(entry);
    this.newest = entry.seq;
    while (this.size > this.maxEntries || (this.totalBytes > this.maxBytes && this.size > 1)) {
      const evicted = this.entries[this.head++]!;
      this.totalBytes -= entryBytes(evicted);
      this.covered = evicted.seq;
    }
    // Drop the consumed prefix once it is as long as what remains: amortised O(1).
    if (this.head > 1_024 && this.head >= this.size) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Blanks the text of every entry of these sessions (a hard delete); seqs and order stay. */
  redact(sessionIds: ReadonlySet<string>): void {
    for (let index = this.head; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      if (!sessionIds.has(entry.sessionId)) continue;
      this.totalBytes -= entryBytes(entry);
      this.entries[index] = { ...entry, content: "" };
      this.totalBytes += entryBytes(this.entries[index]!);
    }
  }

  /**
   * Up to `limit` entries with seq > `after`, oldest first, plus whether more
   * follow; `null` when `after` is older than the window.
   */
  after(after: number, limit: number): { entries: FeedEntry[]; hasMore: boolean } | null {
    if (after < this.covered) return null;
    // Binary search for the first entry with seq > after.
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.entries[mid]!.seq <= after) low = mid + 1;
      else high = mid;
    }
    const entries = this.entries.slice(low, low + limit);
    return { entries, hasMore: low + limit < this.entries.length };
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get coversAfter(): number {
    return this.covered;
  }

  /** Seq of the newest entry ever appended or loaded: the next entry gets lastSeq + 1. */
  get lastSeq(): number {
    return this.newest;
  }
}

/** JS strings are UTF-16: two bytes a character, plus a rough allowance for the object. */
export function entryBytes(entry: Pick<FeedEntry, "content" | "messageId" | "sessionId">): number {
  return 2 * (entry.content.length + entry.messageId.length + entry.sessionId.length) + 96;
}
