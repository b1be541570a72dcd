import type { AnalyticsEvent } from "../lib/analytics/events";
import type { BatchReceipt, ChatBatch } from "../lib/analytics/batch";
import { randomHex } from "../lib/ids";
import { clock } from "../lib/time";
import { analyticsObject } from "./objects";

/**
 * Emitting analytics from the sidecar's hot paths. One request's events go in
 * ONE call to the Analytics object ("global"), which stores them before it
 * answers (1 row written per call). The caller never waits for it and it never
 * throws into the caller: a lost count is logged, an answer to a student is
 * never held up or failed by it. A call the runtime failed in a way it marks
 * retryable (the object was reset by a deploy, the connection dropped) is sent
 * again with the same key, so it is counted once whether or not the first
 * attempt was stored.
 */

export type { AnalyticsEvent, AnalyticsEventType } from "../lib/analytics/events";

export type AnalyticsEnv = Pick<Env, "ANALYTICS">;

/** Keeps a promise alive past the caller's answer (ExecutionContext.waitUntil in an entrypoint). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** Attempts per call, and the wait before the second (doubled before each later one). */
export const RECORD_ATTEMPTS = 3;
export const RECORD_RETRY_MS = 100;

/**
 * Counts `events` at `now`. From a WorkerEntrypoint pass `ctx.waitUntil`: the
 * runtime may cancel what is still in flight once the call has answered. From
 * a Durable Object the promise may be left to run (the object outlives the call).
 */
export function recordAnalytics(env: AnalyticsEnv, center: string, events: readonly AnalyticsEvent[], waitUntil?: WaitUntil, now: number = clock.now()): void {
  if (events.length === 0) return;
  const sent = send(env, center, [...events], now, randomHex(12)).catch((error: unknown) => console.warn("[analytics] events not counted", error));
  if (waitUntil) waitUntil(sent);
}

/**
 * A chat's batch of counts (from its alarm, durable-objects/chat/analytics-report.ts), retried like a
 * call above. Answers the receipt, or null when it was not stored (logged; the chat keeps the counts
 * and tries again later with the same batch number).
 */
export async function reportChatBatch(env: AnalyticsEnv, center: string, batch: ChatBatch): Promise<BatchReceipt | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await analyticsObject(env, center).recordBatch(batch);
      if (result.ok) return result.value;
      console.warn("[analytics] batch refused", batch.chatId, result.error.message);
      return null;
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS || !isRetryable(error)) {
        console.warn("[analytics] batch not reported", batch.chatId, error);
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS * 2 ** (attempt - 1)));
    }
  }
}

async function send(env: AnalyticsEnv, center: string, events: AnalyticsEvent[], now: number, key: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A stub that threw is broken: each attempt gets a new one.
      const result = await analyticsObject(env, center).record(events, now, key);
      if (!result.ok) console.warn("[analytics] events refused", result.error.message);
      return;
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS * 2 ** (attempt - 1)));
    }
  }
}

/** Cloudflare marks a call worth repeating with `retryable`; an `overloaded` object is not helped by more calls. */
function isRetryable(error: unknown): boolean {
  const flags = error as { retryable?: unknown; overloaded?: unknown } | null;
  return typeof flags === "object" && flags !== null && flags.retryable === true && flags.overloaded !== true;
}
