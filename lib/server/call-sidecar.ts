import { AppError, unwrap, type Result } from "../errors";

export const UNAVAILABLE_MESSAGE = "Chat persistence is not running, so this chat cannot be saved.";

/**
 * Unwraps a sidecar result. A throw means the sidecar could not be reached
 * (absent, or not running in local dev, which the dev registry reports at once)
 * or the connection dropped mid-call. An idempotent call is then made once
 * more at once: a dropped connection (a redeploy, an evicted isolate) is
 * usually gone on the next call, and repeating it cannot do anything twice
 * (messages carry their id, patches overwrite, reads read). Calls that are not
 * idempotent (a bot's claim) pass `{ idempotent: false }` and fail at once.
 */
export async function callSidecar<T>(call: () => Promise<Result<T>>, { idempotent = true } = {}): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (first) {
    // An AppError was thrown on this side (e.g. reading the request's body): not the sidecar's fault.
    if (first instanceof AppError || !idempotent) throw unreachable(first);
    try {
      result = await call();
    } catch (second) {
      throw unreachable(second);
    }
  }
  return unwrap(result);
}

function unreachable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  console.warn("[sidecar] unreachable:", error instanceof Error ? error.message : error);
  return new AppError("persistence_unavailable:sidecar", UNAVAILABLE_MESSAGE, undefined, { cause: error });
}
