import { AppError } from "./errors";

/**
 * How long the browser keeps re-sending a message the server has not accepted.
 *
 * The budget outlasts a sidecar restart: a deploy or a restart leaves the web
 * worker without its sidecar for seconds (measured locally: ~2 s after a clean
 * stop, ~3 s after a kill), and wrangler's dev registry can hold a stale
 * address for up to 90 s when its entry is not cleared (docs/running.md,
 * "Faults"); two minutes covers the worst of these with room. Backoff starts at half a second (a dropped
 * connection is usually back at once), doubles, and stays at 5 s so the
 * message lands within seconds of the sidecar's return. Each delay is jittered
 * (between half and all of it) so a hundred tabs do not retry in step.
 *
 * Every attempt carries the same message id, so the chat stores the message
 * once however many attempts reached it.
 */
export const SEND_RETRY = { firstDelayMs: 500, factor: 2, maxDelayMs: 5_000, budgetMs: 120_000 } as const;

/** Failures worth repeating: the chat store or a gateway is unreachable. Anything else is an answer. */
export function isTransient(error: unknown): boolean {
  return error instanceof AppError && (error.status === 502 || error.status === 503 || error.status === 504);
}

export interface RetryOptions {
  budgetMs?: number;
  /** Called before each wait, with the attempt that failed (1-based). */
  onRetry?: (attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** The delay after failed attempt `attempt` (1-based), before jitter. */
export function backoffDelay(attempt: number): number {
  return Math.min(SEND_RETRY.firstDelayMs * SEND_RETRY.factor ** (attempt - 1), SEND_RETRY.maxDelayMs);
}

/**
 * Runs `attempt` until it succeeds, fails with an answer that is not
 * transient, or the budget is spent; then the last error is thrown.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { budgetMs = SEND_RETRY.budgetMs, onRetry, sleep = defaultSleep, now = Date.now, random = Math.random } = options;
  const deadline = now() + budgetMs;
  for (let failures = 1; ; failures += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const delay = Math.round(backoffDelay(failures) * (0.5 + random() / 2));
      if (now() + delay > deadline) throw error;
      onRetry?.(failures, delay);
      await sleep(delay);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
