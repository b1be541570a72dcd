import { unwrap } from "../lib/errors";
import { MAX_LEASE_MS } from "../lib/queue/schemas";
import { MessageQueue } from "../durable-objects/message-queue";
import { planConversations, type SeedBatch, type SeedSummary } from "./seed-plan";

/**
 * The production MessageQueue, unchanged, plus one `seed` method. Every call the
 * benchmark measures (pending, feed, enqueue, claim, complete, conversation) is
 * the inherited method, so the rows it reports are the rows production pays.
 *
 * Seeding lives inside the object because thousands of answered questions
 * through RPC, three calls each, would make the setup slower than the benchmark.
 * It uses the public methods only, so the stored rows are exactly what real
 * traffic would have left behind.
 */
export class SeededMessageQueue extends MessageQueue {
  async seed(batch: SeedBatch): Promise<SeedSummary> {
    const sessionIds: string[] = [];
    for (const conversation of planConversations(batch)) {
      const { sessionId } = conversation;
      sessionIds.push(sessionId);
      for (const turn of conversation.exchanges) {
        unwrap(this.enqueue({ messageId: turn.messageId, sessionId, content: turn.content, createdAt: turn.createdAt }));
        const lease = unwrap(await this.claim({ messageId: turn.messageId, workerId: "seed", leaseMs: MAX_LEASE_MS }));
        unwrap(await this.complete({ messageId: turn.messageId, leaseId: lease.leaseId, reply: turn.reply }));
      }
      const open = conversation.pending;
      if (open) unwrap(this.enqueue({ ...open, sessionId }));
    }
    return { sessionIds, lastCursor: unwrap(this.stats()).feedWindow.lastSeq };
  }
}
