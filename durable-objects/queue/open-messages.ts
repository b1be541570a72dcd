import { IndexedHeap } from "./indexed-heap";
import { expiresBefore, keyOf, openBytes, servedBefore, type OpenMessage } from "./open-message";

/**
 * The queue's memory of its open messages: every pending or leased one by id,
 * the pending ones in serving order, the leased ones by expiry (whose head is
 * the object's alarm). Memory only: the MessageQueue writes the rows and keeps
 * this in step with them.
 */
export class OpenMessages {
  private readonly byId = new Map<string, OpenMessage>();
  private readonly pending = new IndexedHeap<OpenMessage>(servedBefore, keyOf);
  private readonly leased = new IndexedHeap<OpenMessage>(expiresBefore, keyOf);
  /** Approximate bytes held, for the stats. */
  bytes = 0;

  get(messageId: string): OpenMessage | undefined {
    return this.byId.get(messageId);
  }

  all(): OpenMessage[] {
    return [...this.byId.values()];
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get leasedCount(): number {
    return this.leased.size;
  }

  /** The next message to serve, if any. */
  best(): OpenMessage | undefined {
    return this.pending.peek();
  }

  /** The best `limit` pending messages, in serving order. */
  top(limit: number): OpenMessage[] {
    return this.pending.top(limit);
  }

  /** The lease that expires first, if any. */
  firstToExpire(): OpenMessage | undefined {
    return this.leased.peek();
  }

  track(message: OpenMessage): void {
    this.byId.set(message.messageId, message);
    this.bytes += openBytes(message);
    if (message.status === "pending") this.pending.push(message);
    else this.leased.push(message);
  }

  untrack(message: OpenMessage): void {
    this.byId.delete(message.messageId);
    this.bytes -= openBytes(message);
    this.pending.remove(message.messageId);
    this.leased.remove(message.messageId);
  }

  leaseTo(message: OpenMessage, lease: NonNullable<OpenMessage["lease"]>): void {
    this.pending.remove(message.messageId);
    message.status = "leased";
    message.lease = lease;
    this.leased.push(message);
  }

  /** A lapsed lease's message goes back in line, one attempt older. */
  returnToLine(message: OpenMessage, attempts: number): void {
    this.leased.remove(message.messageId);
    message.attempts = attempts;
    message.status = "pending";
    message.lease = null;
    this.pending.push(message);
  }

  reprioritize(message: OpenMessage, priority: number): void {
    message.priority = priority;
    this.pending.update(message.messageId);
  }
}
