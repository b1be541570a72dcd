import type { AnalyticsEvent } from "../lib/analytics/events";
import { clock } from "../lib/time";

/**
 * Emitting analytics from the sidecar's hot paths. One request's events go in
 * ONE call to the Analytics object ("global"), which counts them in memory
 * (0 rows written per event; its alarm flushes). The caller never waits for
 * it and it never throws into the caller: a lost count is logged, an answer
 * to a student is never held up or failed by it.
 */

export type { AnalyticsEvent, AnalyticsEventType } from "../lib/analytics/events";

export type AnalyticsEnv = Pick<Env, "ANALYTICS">;

/** Keeps a promise alive past the caller's answer (ExecutionContext.waitUntil in an entrypoint). */
export type WaitUntil = (promise: Promise<unknown>) => void;

export function analyticsObject(env: AnalyticsEnv) {
  return env.ANALYTICS.get(env.ANALYTICS.idFromName("global"));
}

/**
 * Counts `events` at `now`. From a WorkerEntrypoint pass `ctx.waitUntil`: the
 * runtime may cancel what is still in flight once the call has answered. From
 * a Durable Object the promise may be left to run (the object outlives the call).
 */
export function recordAnalytics(env: AnalyticsEnv, events: readonly AnalyticsEvent[], waitUntil?: WaitUntil, now: number = clock.now()): void {
  if (events.length === 0) return;
  try {
    const sent = analyticsObject(env)
      .record([...events], now)
      .then(
        (result) => {
          if (!result.ok) console.warn("[analytics] events refused", result.error.message);
        },
        (error: unknown) => console.warn("[analytics] events not counted", error),
      );
    if (waitUntil) waitUntil(sent);
  } catch (error) {
    console.warn("[analytics] events not counted", error);
  }
}
