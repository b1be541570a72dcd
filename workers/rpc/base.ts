import { WorkerEntrypoint } from "cloudflare:workers";
import { fail, toAppError, type Result } from "../../lib/errors";
import { OwnerId, SessionId } from "../../lib/schemas";
import { clock, useClockOf } from "../../lib/time";
import { takeLimits, type LimitTake } from "../../services/limits";
import { chatSession } from "../../services/objects";

/** What every bad or foreign owner id is answered with, whichever method was asked. */
const NOT_AN_OWNER = "Not an owner id this site issued.";
const NO_CHAT = "No chat session with that id belongs to you.";

/**
 * What every RPC method of the sidecar stands on: arguments are validated again here (the binding
 * is a trust boundary too), an owner id is checked in one place (`withOwner`, `withSession`), writes
 * take their limits first (`limited`), and nothing leaves as a stack trace (`guard`).
 *
 * The sidecar's methods are grouped by capability, one class per file in this folder, each extending
 * the one before (Workers RPC serves the methods of the whole chain): centers → bots → chats → bookings →
 * memory → notifications → staff access → staff desks → accounts → `Sidecar` (workers/sidecar.ts). The order
 * only composes them; no group calls another's methods.
 */
export abstract class SidecarBase extends WorkerEntrypoint<Env> {
  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, env);
    useClockOf(env);
  }

  /** Work that may finish after the answer (analytics, the memory), kept alive by the runtime. */
  protected readonly waitUntil = (promise: Promise<unknown>) => this.ctx.waitUntil(promise);

  /** `work` for a well-formed owner id; any other gets the one answer, `bad_request:owner`. */
  protected withOwner<T>(ownerId: unknown, work: (owner: string) => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return Promise.resolve(fail("bad_request:owner", NOT_AN_OWNER));
    return this.guard(() => work(owner.data));
  }

  /** `work` on a chat's object; a malformed chat or owner id is "not found", like another owner's chat. */
  protected withSession<T>(
    sessionId: unknown,
    ownerId: unknown,
    work: (stub: ReturnType<typeof chatSession>, owner: string, id: string) => Promise<Result<T>> | Result<T>,
  ): Promise<Result<T>> {
    const id = SessionId.safeParse(sessionId);
    const owner = OwnerId.safeParse(ownerId);
    if (!id.success || !owner.success) return Promise.resolve(fail("not_found:session", NO_CHAT));
    return this.guard(() => work(chatSession(this.env, id.data), owner.data, id.data));
  }

  /**
   * A write behind its limits (lib/rate-limits.ts): one RateLimiter call per keyed take, in
   * parallel, then `work`, or the 429 result of the first take that refused.
   */
  protected limited<T>(takes: readonly LimitTake[], work: (now: number) => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    return this.guard(async () => {
      const now = clock.now();
      return (await takeLimits(this.env, takes, now)) ?? work(now);
    });
  }

  /** Unexpected failures leave as a logged, generic `internal` result, never as a stack trace. */
  protected async guard<T>(work: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    try {
      return await work();
    } catch (error) {
      const appError = toAppError(error, "sidecar");
      return fail(appError.code, appError.message);
    }
  }
}
