import type { Result } from "../lib/errors";
import { clientAddress, refusal, type LimiterRule } from "../lib/rate-limits";
import { OwnerId } from "../lib/schemas";
import { rateLimiter } from "./objects";

/**
 * The limits kept by `RateLimiter` objects (lib/rate-limits.ts, `where: "RateLimiter"`), as the
 * sidecar's entry and the chat's turn take them: one object per rule and key, named `{rule}:{key}`,
 * one call each, made in parallel. A take without a key (no usable client address: a local
 * `wrangler dev`) is skipped, as for new chats.
 */

export type LimiterEnv = Pick<Env, "RATE_LIMITER">;

/** `[rule, key]`: the key is an owner id, a member id, or a client address (lib/rate-limits.ts `clientAddress`). */
export type LimitTake = readonly [LimiterRule, string | null | undefined];

/**
 * Null when every take allows the request; otherwise the first refusal (a 429 result with its
 * wait). Taken in parallel: a request refused by one key may still have used the other's token.
 */
export async function takeLimits(env: LimiterEnv, takes: readonly LimitTake[], now: number): Promise<Result<never> | null> {
  const keyed = takes.filter((take): take is readonly [LimiterRule, string] => typeof take[1] === "string" && take[1].length > 0);
  const decisions = await Promise.all(keyed.map(([rule, key]) => rateLimiter(env, rule, key).take(rule, now)));
  for (const [index, decision] of decisions.entries()) {
    if (!decision.ok) return decision;
    if (!decision.value.allowed) return refusal(keyed[index]![0], decision.value.retryAfterMs);
  }
  return null;
}

/** The caller as the web worker saw it: `ip` is CF-Connecting-IP, keyed by `clientAddress` (an IPv6 client by its /64). */
export type Caller = { ip?: string } | undefined;

/** The caller's address key for a limit: null for loopback and anything that is not an address. */
export function usableIp(client: Caller): string | null {
  return clientAddress(typeof client === "object" && client !== null ? client.ip : undefined);
}

/** An owner id as a limit's key (anything else keys nothing; the method refuses it anyway). */
export function ownerKey(ownerId: unknown): string | null {
  return OwnerId.safeParse(ownerId).success ? (ownerId as string) : null;
}

/** A chat moved to or from the trash: the owner's limit and the address's. */
export function chatTrashTakes(ownerId: string, client: Caller): LimitTake[] {
  return [["chatTrashPerOwner", ownerKey(ownerId)], ["writesPerIp", usableIp(client)]];
}
