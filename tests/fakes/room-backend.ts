/**
 * A FAKE of the outside virtual-room backend, for tests only; nothing in the
 * sidecar imports it. Its `fetch` stands in for the network: pass it to
 * `createRoomBackend({ fetch })`, or install it as the global `fetch` in a
 * workers test (the sidecar's Durable Objects share the test's isolate, so they
 * call it too). It records every call and can be told to fail.
 */

export type FakeRoomEndpoint = "removeSharedLinks" | "closeRoom";

export interface FakeRoomBackendCall {
  endpoint: FakeRoomEndpoint | null;
  method: string;
  path: string;
  /** Parsed JSON body, or the raw text if it was not JSON. */
  body: unknown;
  authorization: string | null;
  /** What the fake answered: an HTTP status, or "network_error" while down. */
  outcome: number | "network_error";
}

const ROUTES: Record<string, FakeRoomEndpoint> = {
  "DELETE /api/v1/expose/": "removeSharedLinks",
  "POST /api/v1/labs/delete": "closeRoom",
};

/** The real backend answers 202 to a close: the room is torn down in the background. */
const SUCCESS_STATUS: Record<FakeRoomEndpoint, number> = { removeSharedLinks: 200, closeRoom: 202 };

export interface FakeRoomBackend {
  readonly calls: FakeRoomBackendCall[];
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The next `times` calls to `endpoint` answer `status` (500 unless told otherwise). */
  failNext(endpoint: FakeRoomEndpoint, times?: number, status?: number): void;
  /** While down, every call rejects like a lost connection. */
  setDown(down: boolean): void;
  callsTo(endpoint: FakeRoomEndpoint): FakeRoomBackendCall[];
}

export function createFakeRoomBackend(): FakeRoomBackend {
  const calls: FakeRoomBackendCall[] = [];
  const failures = new Map<FakeRoomEndpoint, number[]>();
  let down = false;

  async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const endpoint = ROUTES[`${request.method} ${path}`] ?? null;
    const text = await request.text();
    const call: FakeRoomBackendCall = {
      endpoint,
      method: request.method,
      path,
      body: parseBody(text),
      authorization: request.headers.get("authorization"),
      outcome: "network_error",
    };
    calls.push(call);
    if (down) throw new TypeError("Network connection lost (fake room backend is down).");
    const status = answer(endpoint);
    call.outcome = status;
    return Response.json({ fake: true }, { status });
  }

  function answer(endpoint: FakeRoomEndpoint | null): number {
    if (!endpoint) return 404;
    const next = failures.get(endpoint)?.shift();
    return next ?? SUCCESS_STATUS[endpoint];
  }

  return {
    calls,
    fetch: fakeFetch,
    failNext(endpoint, times = 1, status = 500) {
      failures.set(endpoint, [...(failures.get(endpoint) ?? []), ...Array<number>(times).fill(status)]);
    },
    setDown(value) {
      down = value;
    },
    callsTo(endpoint) {
      return calls.filter((call) => call.endpoint === endpoint);
    },
  };
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    const body: unknown = JSON.parse(text);
    return body;
  } catch {
    return text;
  }
}
