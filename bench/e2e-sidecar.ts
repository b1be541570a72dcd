import { z } from "zod";
import type { RowCounts } from "../durable-objects/sql";
import Sidecar, {
  ChatSession as ProductChatSession,
  MessageQueue as ProductMessageQueue,
  SessionManager as ProductSessionManager,
  RateLimiter as ProductRateLimiter,
  Analytics as ProductAnalytics,
  StudentMemory as ProductStudentMemory,
} from "../workers/sidecar";
import {
  countAlarmRun,
  countSidecarFetch,
  countSidecarRpc,
  countWsClosed,
  countWsHandled,
  instrumentEnv,
  liveObjects,
  setCounting,
  snapshot,
  track,
  uncountedEnv,
  type DoClass,
} from "./e2e-counting";

/**
 * The end-to-end benchmark's sidecar (bench/e2e-wrangler.toml): the REAL
 * sidecar — its default entrypoint and its three Durable Object classes,
 * unchanged — each subclassed only to hand the real constructor a counting
 * `env` (bench/e2e-counting.ts) and to register the instance. Every route the
 * product serves (`/api/chat/session/{id}/socket?ticket=…`, `/internal/*`,
 * `/health`) is the real sidecar's `fetch`.
 *
 * bench/e2e.mjs drives it over HTTP, standing in for the browser and the web
 * worker:
 *
 *   GET  /bench/health             { ok, botMode }
 *   GET  /bench/counters           every counter so far (the driver diffs two snapshots)
 *   POST /bench/counting { on }    off: the wrappers pass straight through (latency runs)
 *   POST /bench/call { method, args }  one call of the real entrypoint's RPC method, as the web
 *                                  worker makes it over the SIDECAR binding → { result, ms }
 *   POST /bench/evict { sessionId }    drops that chat's object from memory (ctx.abort), as
 *                                  hibernation or eviction would; its next call re-runs the constructor
 *   POST /bench/storage { sessionId }  that chat's SQLite size in bytes (uncounted)
 *   GET  /bench/verify             every live object's rowCounts() over RPC vs. the registry
 */

export class ChatSession extends ProductChatSession {
  // The benchmark sends far faster than a student may (200 latency samples in one chat): it
  // measures what an exchange costs, not the per-chat limit, which would refuse it.
  protected override readonly messageLimit = { kind: "bucket", capacity: 1_000_000, refillEveryMs: 1 } as const;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "ChatSession"));
    track("ChatSession", ctx, () => this.rowCounts());
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    countWsHandled();
    super.webSocketMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    countWsClosed();
    super.webSocketClose(ws, code);
  }

  /** Bench only: resets this instance, as an eviction would; the next call constructs a new one. */
  benchEvict(): void {
    this.ctx.abort("bench: evict");
  }
}

export class MessageQueue extends ProductMessageQueue {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "MessageQueue"));
    track("MessageQueue", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("MessageQueue");
    await super.alarm();
  }
}

export class SessionManager extends ProductSessionManager {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "SessionManager"));
    track("SessionManager", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("SessionManager");
    await super.alarm();
  }
}

export class RateLimiter extends ProductRateLimiter {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "RateLimiter"));
    track("RateLimiter", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("RateLimiter");
    await super.alarm();
  }
}

export class Analytics extends ProductAnalytics {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "Analytics"));
    track("Analytics", ctx, () => this.rowCounts());
  }

  override async alarm(): Promise<void> {
    countAlarmRun("Analytics");
    await super.alarm();
  }
}

export class StudentMemory extends ProductStudentMemory {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, instrumentEnv(env, "StudentMemory"));
    track("StudentMemory", ctx, () => this.rowCounts());
  }
}

/** The entrypoint methods the driver may call: what the web worker's routes and the bots call. */
const Method = z.enum([
  "ping",
  "getState",
  "listMessages",
  "sendMessage",
  "issueSocketTicket",
  "queuePending",
  "queueClaim",
  "queueClaimNext",
  "queueComplete",
  "queueConversation",
]);
const CallBody = z.object({ method: Method, args: z.array(z.unknown()).max(4) });
const CountingBody = z.object({ on: z.boolean() });
const SessionBody = z.object({ sessionId: z.string().min(1).max(200) });

type EntrypointMethod = (...args: unknown[]) => Promise<unknown>;

export default class BenchSidecar extends Sidecar {
  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, instrumentEnv(env, "entrypoint"));
  }

  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/bench/")) {
      try {
        return await this.bench(request, pathname);
      } catch (error) {
        console.error("[bench] route failed", error);
        return Response.json({ error: String(error instanceof Error ? (error.stack ?? error.message) : error) }, { status: 500 });
      }
    }
    countSidecarFetch();
    return super.fetch(request);
  }

  private async bench(request: Request, pathname: string): Promise<Response> {
    switch (pathname) {
      case "/bench/health":
        return Response.json({ ok: true, botMode: this.env.BOT_MODE });
      case "/bench/counters":
        return Response.json(snapshot());
      case "/bench/counting": {
        setCounting(CountingBody.parse(await request.json()).on);
        return Response.json({ ok: true });
      }
      case "/bench/call": {
        const { method, args } = CallBody.parse(await request.json());
        countSidecarRpc(method);
        const call = Reflect.get(this, method) as EntrypointMethod;
        const started = performance.now();
        const result: unknown = await Reflect.apply(call, this, args);
        return Response.json({ result, ms: performance.now() - started });
      }
      case "/bench/evict": {
        const { sessionId } = SessionBody.parse(await request.json());
        const namespace = uncountedEnv().CHAT_SESSION as unknown as DurableObjectNamespace<ChatSession>;
        const evicted = await namespace
          .get(namespace.idFromName(sessionId))
          .benchEvict()
          .then(
            () => false,
            () => true, // abort() fails the call that asked for it: that is the eviction
          );
        return Response.json({ evicted });
      }
      case "/bench/storage": {
        const { sessionId } = SessionBody.parse(await request.json());
        const env = uncountedEnv();
        const bytes = await env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId)).storageBytes();
        return Response.json({ bytes });
      }
      case "/bench/verify":
        return Response.json(await verify());
    }
    return Response.json({ error: `no bench route ${pathname}` }, { status: 404 });
  }
}

/**
 * Do the counters really see every object? Each object this isolate has
 * registered is asked for its rowCounts() over RPC (uncounted stubs); the
 * answer must equal what the registry read from the same instance in memory.
 * If the objects ran in another isolate, the registry would be empty or stale.
 */
async function verify() {
  const env = uncountedEnv();
  const rowCountsOf = async (cls: DoClass, id: string): Promise<RowCounts> => {
    switch (cls) {
      case "ChatSession":
        return env.CHAT_SESSION.get(env.CHAT_SESSION.idFromString(id)).rowCounts();
      case "MessageQueue":
        return env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromString(id)).rowCounts();
      case "SessionManager":
        return env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromString(id)).rowCounts();
      case "RateLimiter":
        return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromString(id)).rowCounts();
      case "Analytics":
        return env.ANALYTICS.get(env.ANALYTICS.idFromString(id)).rowCounts();
      case "StudentMemory":
        return env.STUDENT_MEMORY.get(env.STUDENT_MEMORY.idFromString(id)).rowCounts();
    }
  };
  const objects = liveObjects();
  const mismatches: unknown[] = [];
  for (const object of objects) {
    const overRpc = await rowCountsOf(object.cls, object.id);
    // Read the registry after the RPC: the call itself may not add rows, but a wake would show up in both.
    const local = liveObjects().find((entry) => entry.cls === object.cls && entry.id === object.id)?.rows;
    if (!local || local.reads !== overRpc.reads || local.writes !== overRpc.writes) mismatches.push({ ...object, overRpc, local });
  }
  return { objects: objects.length, mismatches };
}
