import { z } from "zod";
import { AppError, type Result } from "../lib/errors";
import { ClaimInput, CompleteInput, ConversationQuery, EnqueueInput, FeedQuery, QueueLimit } from "../lib/queue/schemas";
import type { BaselineQueue } from "./baseline-queue";
import { SeedBatch } from "./seed-plan";
import type { SeededMessageQueue } from "./seeded-message-queue";

export { BaselineQueue } from "./baseline-queue";
export { SeededMessageQueue } from "./seeded-message-queue";

/**
 * The benchmark worker: a small JSON router in front of the two queue designs,
 * so bench/run.mjs can seed them and time one operation per request.
 *
 *   GET  /health
 *   POST /seed   { design, first, count, exchanges, pendingEvery, baseTime }
 *   POST /op     { design, op, args }  ->  { kvStats, ms, result }
 *   GET  /stats  the real queue's own counters, for the run's metadata
 *
 * `ms` is timed here around the Durable Object call (RPC + the method), so it
 * leaves out the HTTP hop the script adds to its own round-trip timing.
 */
interface BenchEnv {
  MESSAGE_QUEUE: DurableObjectNamespace<SeededMessageQueue>;
  BASELINE_QUEUE: DurableObjectNamespace<BaselineQueue>;
}

const Design = z.enum(["queue", "baseline"]);
type Design = z.infer<typeof Design>;

/** Argument shapes are the MessageQueue's own schemas; both designs take them. */
const OpRequest = z.discriminatedUnion("op", [
  z.object({ design: Design, op: z.literal("pending"), args: z.object({ limit: QueueLimit }) }),
  z.object({ design: Design, op: z.literal("feed"), args: FeedQuery }),
  z.object({ design: Design, op: z.literal("conversation"), args: ConversationQuery }),
  z.object({ design: Design, op: z.literal("post"), args: EnqueueInput }),
  z.object({ design: Design, op: z.literal("claim"), args: ClaimInput }),
  z.object({ design: Design, op: z.literal("complete"), args: CompleteInput }),
]);
type OpRequest = z.infer<typeof OpRequest>;

const SeedRequest = SeedBatch.extend({ design: Design });

/** One object per design, like production's single "global" queue. */
function queueOf(env: BenchEnv, design: Design) {
  return design === "queue" ? env.MESSAGE_QUEUE.getByName("global") : env.BASELINE_QUEUE.getByName("global");
}

type Measured = { kvStats: { reads: number; writes: number } };
type Listed<K extends string> = Measured & Record<K, unknown[]>;

/** Calls the operation and keeps only a small summary, so both designs send the script the same few bytes. */
async function perform(env: BenchEnv, request: OpRequest): Promise<Result<Measured & { result: Record<string, unknown> }>> {
  const queue = queueOf(env, request.design);
  const summarize = <T extends Measured>(result: Result<T>, pick: (value: T) => Record<string, unknown>) =>
    result.ok ? { ok: true as const, value: { kvStats: result.value.kvStats, result: pick(result.value) } } : result;
  switch (request.op) {
    case "pending":
      return summarize<Listed<"messages"> & { total: number }>(await queue.pending(request.args.limit), (v) => ({ returned: v.messages.length, total: v.total }));
    case "feed":
      return summarize<Listed<"entries">>(await queue.feed(request.args), (v) => ({ returned: v.entries.length }));
    case "conversation":
      return summarize<Listed<"entries">>(await queue.conversation(request.args), (v) => ({ returned: v.entries.length }));
    case "post":
      return summarize<Measured & { messageId: string }>(await queue.enqueue(request.args), (v) => ({ messageId: v.messageId }));
    case "claim":
      return summarize<Measured & { leaseId: string }>(await queue.claim(request.args), (v) => ({ leaseId: v.leaseId }));
    case "complete":
      return summarize<Measured & { messageId: string }>(await queue.complete(request.args), (v) => ({ messageId: v.messageId }));
  }
}

async function body<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) throw new AppError("bad_request:body", z.prettifyError(parsed.error));
  return parsed.data;
}

async function route(request: Request, env: BenchEnv): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method === "GET" && pathname === "/health") return Response.json({ ok: true });
  if (request.method === "POST" && pathname === "/seed") {
    const { design, ...batch } = await body(request, SeedRequest);
    return Response.json(await queueOf(env, design).seed(batch));
  }
  if (request.method === "POST" && pathname === "/op") {
    const op = await body(request, OpRequest);
    const started = performance.now();
    const result = await perform(env, op);
    const ms = performance.now() - started;
    if (!result.ok) return AppError.fromWire(result.error).toResponse();
    return Response.json({ ...result.value, ms });
  }
  if (request.method === "GET" && pathname === "/stats") {
    const stats = await env.MESSAGE_QUEUE.getByName("global").stats();
    if (!stats.ok) return AppError.fromWire(stats.error).toResponse();
    return Response.json(stats.value);
  }
  return Response.json({ error: { code: "not_found", message: `No route ${request.method} ${pathname}.` } }, { status: 404 });
}

export default {
  async fetch(request, env): Promise<Response> {
    try {
      return await route(request, env);
    } catch (error) {
      if (error instanceof AppError) return error.toResponse();
      // A bench run wants the cause on screen: run.mjs prints the worker log tail on failure.
      console.error("bench worker failed", error);
      return Response.json({ error: { code: "internal", message: "Bench worker failed; see the wrangler log." } }, { status: 500 });
    }
  },
} satisfies ExportedHandler<BenchEnv>;
