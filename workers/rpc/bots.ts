import { BotQueueApi } from "../bot-queue";
import { CentersRpc } from "./centers";

/** The bot queue API (`/api/queue/*`): every call authorized with a center's bot token (workers/bot-queue.ts). */
export class BotsRpc extends CentersRpc {
  /** The bot queue API (`/api/queue/*`), every call on the queue of its token's center. */
  protected get bots() {
    return new BotQueueApi(this.env);
  }

  queuePending(token: string, limit: unknown) {
    return this.guard(() => this.bots.pending(token, limit));
  }

  queueClaim(token: string, input: unknown) {
    return this.guard(() => this.bots.claim(token, input));
  }

  queueClaimNext(token: string, input: unknown) {
    return this.guard(() => this.bots.claimNext(token, input));
  }

  queueComplete(token: string, input: unknown) {
    return this.guard(() => this.bots.complete(token, input));
  }

  queueSetPriority(token: string, input: unknown) {
    return this.guard(() => this.bots.setPriority(token, input));
  }

  queueConversation(token: string, query: unknown) {
    return this.guard(() => this.bots.conversation(token, query));
  }

  queueFeed(token: string, query: unknown) {
    return this.guard(() => this.bots.feed(token, query));
  }

  queueDeadLetters(token: string, limit: unknown) {
    return this.guard(() => this.bots.deadLetters(token, limit));
  }

  queueRequeue(token: string, messageId: unknown) {
    return this.guard(() => this.bots.requeue(token, messageId));
  }
}
