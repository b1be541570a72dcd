/**
 * A binary heap that also knows where each item sits (key → array index), so
 * an item can be removed or re-prioritised in O(log n) without lazy deletion.
 *
 * Why a heap and not a sorted array or priority buckets: the queue's order is
 * (priority desc, age asc), and items re-enter with their ORIGINAL age (a
 * lease that expired, a dead letter that is requeued, a priority change), so a
 * per-priority FIFO would put them behind younger messages and a sorted array
 * would cost O(n) per insert. The heap keeps insert, remove and update at
 * O(log n), and `top(k)` lists the best k without re-sorting the whole queue on
 * every poll: O(k log k), independent of how many messages wait.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly positions = new Map<string, number>();

  /**
   * @param before true when `a` must come out before `b` (a strict total order)
   * @param keyOf  the item's unique key
   */
  constructor(
    private readonly before: (a: T, b: T) => boolean,
    private readonly keyOf: (item: T) => string,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.positions.has(key);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item, or repositions it if its key is already present. */
  push(item: T): void {
    const key = this.keyOf(item);
    const at = this.positions.get(key);
    if (at !== undefined) {
      this.items[at] = item;
      this.restore(at);
      return;
    }
    this.items.push(item);
    this.positions.set(key, this.items.length - 1);
    this.siftUp(this.items.length - 1);
  }

  /** Takes an item out wherever it sits. */
  remove(key: string): T | undefined {
    const at = this.positions.get(key);
    if (at === undefined) return undefined;
    const item = this.items[at]!;
    const last = this.items.pop()!;
    this.positions.delete(key);
    if (at < this.items.length) {
      this.items[at] = last;
      this.positions.set(this.keyOf(last), at);
      this.restore(at);
    }
    return item;
  }

  /** Re-establishes the order after the fields `before` compares changed on the item with `key`. */
  update(key: string): void {
    const at = this.positions.get(key);
    if (at !== undefined) this.restore(at);
  }

  /**
   * The best `k` items in order, without removing them: a best-first walk of
   * the heap's tree with a small frontier heap, so a poll never sorts the queue.
   */
  top(k: number): T[] {
    const out: T[] = [];
    if (k <= 0 || this.items.length === 0) return out;
    const frontier = new IndexedHeap<number>(
      (a, b) => this.before(this.items[a]!, this.items[b]!),
      String,
    );
    frontier.push(0);
    while (out.length < k && frontier.size > 0) {
      const at = frontier.pop()!;
      out.push(this.items[at]!);
      for (const child of [2 * at + 1, 2 * at + 2]) {
        if (child < this.items.length) frontier.push(child);
      }
    }
    return out;
  }

  pop(): T | undefined {
    const first = this.items[0];
    if (first !== undefined) this.remove(this.keyOf(first));
    return first;
  }

  private restore(at: number): void {
    if (!this.siftUp(at)) this.siftDown(at);
  }

  private siftUp(start: number): boolean {
    let at = start;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(this.items[at]!, this.items[parent]!)) break;
      this.swap(at, parent);
      at = parent;
    }
    return at !== start;
  }

  private siftDown(start: number): void {
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let best = at;
      if (left < this.items.length && this.before(this.items[left]!, this.items[best]!)) best = left;
      if (right < this.items.length && this.before(this.items[right]!, this.items[best]!)) best = right;
      if (best === at) return;
      this.swap(at, best);
      at = best;
    }
  }

  private swap(a: number, b: number): void {
    const itemA = this.items[a]!;
    const itemB = this.items[b]!;
    this.items[a] = itemB;
    this.items[b] = itemA;
    this.positions.set(this.keyOf(itemB), a);
    this.positions.set(this.keyOf(itemA), b);
  }
}
