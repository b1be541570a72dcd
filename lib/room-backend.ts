import { fail, ok, type Result } from "./errors";

/**
 * Client for the virtual-room backend (the outside system that hosts a
 * booking's room). Only the two calls the session manager needs at the end of
 * a booking. The backend keys rooms by our booking id (`lab_request_id`).
 *
 * `fetch` is injected so tests can point the client at the fake in
 * `tests/fakes/room-backend.ts` without a network.
 */

/** Long enough for a slow backend, short enough that an alarm run cannot hang. */
export const ROOM_BACKEND_TIMEOUT_MS = 10_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RoomBackendOptions {
  /** e.g. `https://rooms.example.com`; a trailing slash is ignored. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  fetch: FetchLike;
  timeoutMs?: number;
}

export interface RoomBackend {
  /** Removes the room's shared links (`DELETE /api/v1/expose/`). */
  removeSharedLinks(bookingId: string): Promise<Result<void>>;
  /** Closes the room (`POST /api/v1/labs/delete`); the backend answers 202 while it tears it down. */
  closeRoom(bookingId: string, userId: string): Promise<Result<void>>;
}

export function createRoomBackend(options: RoomBackendOptions): RoomBackend {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? ROOM_BACKEND_TIMEOUT_MS;

  async function call(method: "DELETE" | "POST", path: string, body: Record<string, string>): Promise<Result<void>> {
    // Not AbortSignal.timeout: its timer outlives the answer and keeps a Durable Object busy for the full timeout.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException("The operation timed out.", "TimeoutError")), timeoutMs);
    let response: Response;
    try {
      response = await options.fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: timeout.signal,
      });
    } catch (error) {
      // Network failure or timeout: the caller decides whether it matters.
      return fail("bad_gateway:upstream", `${method} ${path} failed: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
    }
    // Nothing in the body is needed; cancel it so the connection is released.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return ok(undefined);
    // Already gone is done; any other 4xx is final (retrying gets the same answer); 5xx may pass.
    if (response.status === 404 || response.status === 410) return ok(undefined);
    const code = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429 ? "rejected:upstream" : "bad_gateway:upstream";
    return fail(code, `${method} ${path} answered ${response.status}`);
  }

  return {
    removeSharedLinks: (bookingId) => call("DELETE", "/api/v1/expose/", { lab_request_id: bookingId }),
    closeRoom: (bookingId, userId) => call("POST", "/api/v1/labs/delete", { lab_request_id: bookingId, user_id: userId }),
  };
}

function describe(error: unknown): string {
  // DOMException (what AbortSignal.timeout rejects with) is not an Error in every runtime.
  if (typeof error === "object" && error !== null && "name" in error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}
