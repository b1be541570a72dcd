/**
 * A FAKE of the outside email API (Resend's `POST /emails`, which the local
 * mail sink also speaks), for tests only; nothing in the sidecar imports it.
 * Install its `fetch` as the global `fetch` in a workers test: the sidecar's
 * Durable Objects share the test's isolate, so the MailOutbox calls it. It
 * records every request, answers like the provider (200 `{ id }`; the same id
 * again for a repeated Idempotency-Key, without "sending" twice), and can be
 * told to fail. Like the local mail sink (workers/mail-sink/), it also answers `GET /emails` with
 * what it accepted, which is what /dev/mail reads.
 */

export interface FakeMailRequest {
  idempotencyKey: string | null;
  authorization: string | null;
  body: {
    from: string;
    to: string[];
    subject: string;
    text: string;
    attachments: { filename: string; content: string; content_type: string }[];
    headers?: Record<string, string>;
  };
  /** What the fake answered: an HTTP status, or "network_error" while down. */
  outcome: number | "network_error";
}

export interface FakeMailApi {
  readonly requests: FakeMailRequest[];
  /** Every URL fetched through the fake, sends and reads alike, in order. */
  readonly urls: string[];
  /** The messages the provider accepted and would deliver: one per Idempotency-Key. */
  delivered(): FakeMailRequest[];
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The next `times` sends answer `status` (500 unless told otherwise). */
  failNext(times?: number, status?: number): void;
}

export function createFakeMailApi(): FakeMailApi {
  const requests: FakeMailRequest[] = [];
  const urls: string[] = [];
  const failures: number[] = [];
  const accepted = new Map<string, { id: string; request: FakeMailRequest }>();

  async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    urls.push(request.url);
    if (request.method === "GET" && new URL(request.url).pathname === "/emails") return Response.json({ messages: [...accepted.values()].map(sinkMessageOf) });
    if (request.method !== "POST" || new URL(request.url).pathname !== "/emails") return Response.json({ message: "not found" }, { status: 404 });
    const entry: FakeMailRequest = {
      idempotencyKey: request.headers.get("idempotency-key"),
      authorization: request.headers.get("authorization"),
      body: (await request.json()) as FakeMailRequest["body"],
      outcome: "network_error",
    };
    requests.push(entry);
    const failure = failures.shift();
    if (failure !== undefined) {
      entry.outcome = failure;
      return Response.json({ name: "fake_failure", message: `fake mail API answered ${failure}` }, { status: failure });
    }
    entry.outcome = 200;
    const key = entry.idempotencyKey ?? crypto.randomUUID();
    const known = accepted.get(key);
    if (known) return Response.json({ id: known.id });
    const id = crypto.randomUUID();
    accepted.set(key, { id, request: entry });
    return Response.json({ id });
  }

  return {
    requests,
    urls,
    delivered: () => [...accepted.values()].map((value) => value.request),
    fetch: fakeFetch,
    failNext(times = 1, status = 500) {
      failures.push(...Array<number>(times).fill(status));
    },
  };
}

/** An accepted message as the sink lists it (lib/mail/sink.ts `SinkMessage`). */
function sinkMessageOf({ id, request }: { id: string; request: FakeMailRequest }) {
  const { body } = request;
  return {
    id,
    receivedAt: 0,
    idempotencyKey: request.idempotencyKey,
    from: body.from,
    to: body.to,
    subject: body.subject,
    text: body.text,
    attachments: body.attachments.map((file) => ({ filename: file.filename, contentType: file.content_type, content: file.content })),
  };
}

/** The .ics text of a request's first attachment. */
export function inviteOf(request: FakeMailRequest): string {
  const attachment = request.body.attachments.find((file) => file.filename.endsWith(".ics"));
  if (!attachment) throw new Error("no .ics attachment");
  return new TextDecoder().decode(Uint8Array.from(atob(attachment.content), (char) => char.charCodeAt(0)));
}
