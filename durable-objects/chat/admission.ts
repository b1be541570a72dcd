import { limited, type Result } from "../../lib/errors";
import { takeFromBucket, type BucketRule, type BucketState } from "../../lib/rate-limits";
import { isForgotten, ownerForgotten } from "../../workers/db/forget-me";

/** Where a request came from, for the per-address limit on new chats. */
export interface ClientContext {
  ip?: string;
}

/**
 * A chat's rate limits (lib/rate-limits.ts), checked after its owner and
 * before anything is stored: a new chat counts against its
 * owner's and its address's hourly limits, kept by RateLimiter objects (one
 * call each, only when a chat is born); every new message takes a token from
 * the chat's own bucket, kept here in memory (0 calls, 0 rows). A new chat is
 * also refused to an owner id whose student asked to be forgotten (one D1
 * read by key, beside the limiter calls: no added wait).
 */
export class ChatAdmission {
  private bucket: BucketState | null = null;

  constructor(
    private readonly limiters: Env["RATE_LIMITER"],
    /** Where forgotten owner ids are recorded (`forgotten_owners`). */
    private readonly db: D1Database,
    /** Read on every message, so a subclass of ChatSession (the benchmark's) can lift it. */
    private readonly messageRule: () => BucketRule,
  ) {}

  /** Null when the chat may be created. */
  async newChat(ownerId: string, client: ClientContext): Promise<Result<never> | null> {
    const limiter = (name: string) => this.limiters.get(this.limiters.idFromName(name));
    const [forgotten, ...decisions] = await Promise.all([
      isForgotten(this.db, { ownerId }),
      limiter(`chatsPerOwner:${ownerId}`).take("chatsPerOwner"),
      ...(client.ip ? [limiter(`chatsPerIp:${client.ip}`).take("chatsPerIp")] : []),
    ]);
    if (forgotten) return ownerForgotten();
    for (const decision of decisions) {
      if (!decision.ok) return decision;
      if (!decision.value.allowed) {
        return limited("rate_limited:chats", "You have started a lot of new chats in the last hour. Please continue in one of your chats, or try again later.", decision.value.retryAfterMs);
      }
    }
    return null;
  }

  /** Null when the message may be stored. A retry of a stored message never gets here. */
  message(now: number): Result<never> | null {
    const { decision, state } = takeFromBucket(this.messageRule(), this.bucket, now);
    this.bucket = state;
    if (decision.allowed) return null;
    return limited("rate_limited:messages", "You're sending messages faster than the assistant can keep up. Please wait a few seconds.", decision.retryAfterMs);
  }
}
