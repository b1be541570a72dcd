import type { Result } from "../../lib/errors";
import { refusal, takeFromBucket, type BucketRule, type BucketState, type ClientContext } from "../../lib/rate-limits";
import { isForgotten, ownerForgotten } from "../../services/db/forget-me";
import { takeLimits, type LimiterEnv } from "../../services/limits";

/** The chat's own buckets (lib/rate-limits.ts, `where: "ChatSession"`), besides each socket's frames (chat/sockets.ts). */
type ChatRule = "messagesPerChat" | "patchesPerChat" | "votesPerChat";

/**
 * A chat's rate limits (lib/rate-limits.ts), checked after its owner and
 * before anything is stored: a new chat counts against its owner's and its
 * address's hourly limits, kept by RateLimiter objects (one call each, only
 * when a chat is born); every new message, PATCH and vote takes a token from
 * the chat's own bucket for it, kept here in memory (0 calls, 0 rows). A chat
 * has one owner, so these are that owner's limits for this chat. A new chat is
 * also refused to an owner id whose student asked to be forgotten (one D1
 * read by key, beside the limiter calls: no added wait).
 */
export class ChatAdmission {
  private readonly buckets = new Map<ChatRule, BucketState>();

  constructor(
    private readonly limiters: LimiterEnv,
    /** Where forgotten owner ids are recorded (`forgotten_owners`). */
    private readonly db: D1Database,
    /** Read on every take, so a subclass of ChatSession (the benchmark's) can lift one. */
    private readonly rules: () => Record<ChatRule, BucketRule>,
  ) {}

  /** Null when the chat may be created. */
  async newChat(ownerId: string, client: ClientContext, now: number): Promise<Result<never> | null> {
    const [forgotten, tooMany] = await Promise.all([
      isForgotten(this.db, { ownerId }),
      takeLimits(this.limiters, [["chatsPerOwner", ownerId], ["chatsPerIp", client.address]], now),
    ]);
    if (forgotten) return ownerForgotten();
    return tooMany;
  }

  /** Null when the message may be stored. A retry of a stored message never gets here. */
  message(now: number): Result<never> | null {
    return this.take("messagesPerChat", now);
  }

  /** Null when a PATCH of the chat's fields may go ahead. */
  patch(now: number): Result<never> | null {
    return this.take("patchesPerChat", now);
  }

  /** Null when a 👍/👎 may be stored. */
  vote(now: number): Result<never> | null {
    return this.take("votesPerChat", now);
  }

  private take(rule: ChatRule, now: number): Result<never> | null {
    const { decision, state } = takeFromBucket(this.rules()[rule], this.buckets.get(rule) ?? null, now);
    this.buckets.set(rule, state);
    return decision.allowed ? null : refusal(rule, decision.retryAfterMs);
  }
}
