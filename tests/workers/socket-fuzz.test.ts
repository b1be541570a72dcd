import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SOCKET_PASS_HEADERS } from "../../lib/socket-door";
const { owner: SOCKET_OWNER_HEADER, nonce: SOCKET_NONCE_HEADER, expires: SOCKET_EXPIRES_HEADER } = SOCKET_PASS_HEADERS;
import { toBase64Url } from "../../lib/base64url";
import type { SidecarApi } from "../../lib/sidecar-api";
import { ClientFrame, ServerFrame } from "../../lib/socket-frames";
import { LIMITS } from "../../lib/rate-limits";
import { FRAME_VERSION, PING, SOCKET_TICKET_TTL_MS, socketPath } from "../../lib/socket-protocol";
import { mintTicket } from "../../services/socket-ticket";
import { chatSession, newOwnerId, newSessionId, seedCatalog, STRANGER, unwrapOk } from "./helpers";

/**
 * Property-based fuzzing of a chat's socket. Whatever a client sends over an
 * open socket, a frame the protocol (lib/socket-frames.ts) rejects gets one
 * error frame, leaves the socket open and changes nothing; a frame it accepts
 * gets no error. Whatever reaches the upgrade with a missing or forged part,
 * straight at the object or through the sidecar's socket route, gets a 4xx
 * and no socket. The seed is fixed, so a failure reproduces as reported.
 */

const sidecar = exports.default as unknown as SidecarApi;
/**
 * Each property shares one chat and socket across its runs, so a failure can
 * spoil the runs after it: report the first failing value instead of shrinking.
 */
const FUZZ = { seed: 20261123, endOnFailure: true } as const;

interface Chat {
  sessionId: string;
  ownerId: string;
}

/** A chat with messages and assistant fields (a match, tutors shown), so "nothing changed" has something to compare. */
async function newChat(): Promise<Chat> {
  const chat = { sessionId: newSessionId(), ownerId: newOwnerId() };
  unwrapOk(await sidecar.sendMessage(chat.sessionId, chat.ownerId, { content: "I need help with Python on Monday at 10" }));
  return chat;
}

/** Everything a frame or an upgrade could change, read over the object's RPC. */
async function chatRecord({ sessionId, ownerId }: Chat) {
  const stub = chatSession(sessionId);
  const [state, page, rows, sockets] = await Promise.all([
    stub.getState(ownerId),
    stub.listMessages(ownerId, { after: 0, limit: 200 }),
    stub.rowCounts(),
    stub.socketCount(),
  ]);
  return { state: unwrapOk(state), page: unwrapOk(page), rowsWritten: rows.writes, sockets };
}

type Received = ServerFrame | { unparsed: string };

function parseServerFrame(data: unknown): Received {
  if (typeof data !== "string") return { unparsed: `binary frame of ${(data as ArrayBuffer).byteLength} bytes` };
  try {
    const parsed = ServerFrame.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : { unparsed: data };
  } catch {
    return { unparsed: data };
  }
}

/**
 * The test's end of a chat socket: what the server sent, in order, taken one
 * frame at a time. `exchange` ends each round with a hello as a marker: the
 * object handles a socket's frames in order and answers a hello with its
 * `presence` frame last, so once that arrives every earlier answer has too.
 */
class FrameQueue {
  private readonly received: Received[] = [];
  private wake: (() => void) | null = null;
  closedWith: number | null = null;

  constructor(
    readonly ws: WebSocket,
    private readonly marker: string,
  ) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.received.push(parseServerFrame(event.data));
      this.wake?.();
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = event.code;
      this.wake?.();
    });
  }

  /** The next frame the server sent; throws if the socket closed first. */
  async next(): Promise<Received> {
    while (this.received.length === 0) {
      if (this.closedWith !== null) throw new Error(`the socket closed (${this.closedWith}) while a frame was awaited`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.received.shift()!;
  }

  /** Sends `frames`, then the marker hello; returns what arrived up to the `presences`-th presence frame (the marker's). */
  async exchange(frames: Array<string | Uint8Array>, presences = 1): Promise<Received[]> {
    for (const frame of frames) this.ws.send(typeof frame === "string" ? frame : frame.slice().buffer);
    this.ws.send(this.marker);
    const answer: Received[] = [];
    for (let seen = 0; seen < presences; ) {
      const frame = await this.next();
      answer.push(frame);
      if ("type" in frame && frame.type === "presence") seen++;
    }
    return answer;
  }
}

/** Opens the chat's socket the way a browser does (a ticket, then the sidecar's route) and says hello once. */
async function openSocket(chat: Chat): Promise<{ socket: FrameQueue; markerAnswer: Received[]; lastSeq: number }> {
  const { ticket } = unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId));
  const response = await exports.default.fetch(
    new Request(`http://sidecar${socketPath(chat.sessionId)}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }),
  );
  expect(response.status).toBe(101);
  const { lastSeq } = unwrapOk(await chatSession(chat.sessionId).getState(chat.ownerId));
  const socket = new FrameQueue(response.webSocket!, JSON.stringify({ v: FRAME_VERSION, type: "hello", after: lastSeq }));
  const markerAnswer = await socket.exchange([]);
  expect(markerAnswer.map((frame) => ("type" in frame ? frame.type : "unparsed"))).toEqual(["messages", "state", "receipts", "presence"]);
  return { socket, markerAnswer, lastSeq };
}

function isClientFrame(text: string): boolean {
  try {
    return ClientFrame.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

const REJECTED = { v: FRAME_VERSION, type: "error", code: "bad_request", message: expect.any(String) };

/**
 * Thousands of frames in seconds are a flood, which closes a socket (LIMITS.chatFramesPerSocket).
 * These properties are about what each frame does, not about the pace: they run on a test clock
 * (the chat's object shares this isolate) moved on by one refill per frame sent, so the limit
 * never comes into it. tests/workers/socket-limits.test.ts floods on purpose.
 */
function paceFrames(): (frames: number) => void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
  return (frames) => vi.setSystemTime(Date.now() + frames * LIMITS.chatFramesPerSocket.refillEveryMs);
}

// ---- frames ---------------------------------------------------------------------

/** Each client frame type, the field it carries and a value of the right type: what the look-alikes bend. */
const FRAME_FIELDS = [
  { type: "hello", field: "after", good: 0 },
  { type: "typing", field: "typing", good: true },
  { type: "read", field: "seq", good: 1 },
] as const;

const wrongVersion = fc.oneof(fc.constantFrom(0, 2, -1, 1.5, "1", "v1", null, true, [1], { v: 1 }), fc.anything()).filter((v) => v !== FRAME_VERSION);
const extraKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "prototype", "V", "Type", "id", ""), fc.string({ maxLength: 12 }));
const wrongTypeName = fc.oneof(fc.constantFrom("Hello", "TYPING", " read", "read ", "messages", "error", "state", "presence", "ping", ""), fc.string({ maxLength: 12 }));
/** Number literals JSON.stringify never writes, spliced in as text. */
const oddNumber = fc.constantFrom("-1", "1.5", "1e400", "-1e400", "9007199254740993", "1e-7", "-0.0", "00", "1E3", "0x10", "NaN", "Infinity");

/** Objects shaped like a real client frame with one thing wrong: the version, a field's type, a missing or extra key, the type name, the container. */
const lookalikeFrame = fc.constantFrom(...FRAME_FIELDS).chain(({ type, field, good }) =>
  fc.oneof(
    wrongVersion.map((v) => JSON.stringify({ v, type, [field]: good })),
    fc.constant(JSON.stringify({ type, [field]: good })),
    fc.anything().map((value) => JSON.stringify({ v: FRAME_VERSION, type, [field]: value })),
    fc.constant(JSON.stringify({ v: FRAME_VERSION, type })),
    fc.tuple(extraKey, fc.jsonValue()).map(([key, value]) => JSON.stringify(Object.fromEntries([["v", FRAME_VERSION], ["type", type], [field, good], [key, value]]))),
    wrongTypeName.map((name) => JSON.stringify({ v: FRAME_VERSION, type: name, [field]: good })),
    oddNumber.map((number) => `{"v":1,"type":"${type}","${field}":${number}}`),
    oddNumber.map((number) => `{"v":${number},"type":"${type}","${field}":${JSON.stringify(good)}}`),
    fc.constantFrom(JSON.stringify([FRAME_VERSION, type, good]), JSON.stringify(type), `{"v":1,"type":"${type}","${field}":${JSON.stringify(good)},"v":2}`),
  ),
);

/** A client frame the protocol accepts, as JSON with its keys in any order and any indentation. */
const clientFrame: fc.Arbitrary<{ frame: ClientFrame; text: string }> = fc
  .oneof(
    fc.record({ v: fc.constant(FRAME_VERSION), type: fc.constant("hello" as const), after: fc.oneof(fc.nat(8), fc.maxSafeNat()) }),
    fc.record({ v: fc.constant(FRAME_VERSION), type: fc.constant("typing" as const), typing: fc.boolean() }),
    fc.record({ v: fc.constant(FRAME_VERSION), type: fc.constant("read" as const), seq: fc.oneof(fc.nat(8), fc.maxSafeNat()) }),
  )
  .chain((frame) =>
    fc
      .tuple(fc.shuffledSubarray(Object.entries(frame), { minLength: 3, maxLength: 3 }), fc.constantFrom(undefined, 1, "\t", " \n"))
      .map(([entries, space]) => ({ frame, text: JSON.stringify(Object.fromEntries(entries), null, space) })),
  );

/** Anything a client could put on the wire that the protocol rejects (never "ping", which the runtime answers itself). */
const rejectedFrame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }).filter((text) => text !== PING && !isClientFrame(text)),
  fc.json({ maxDepth: 4 }).filter((text) => !isClientFrame(text)),
  fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? "undefined").filter((text) => !isClientFrame(text)),
  lookalikeFrame.filter((text) => !isClientFrame(text)),
  fc.uint8Array({ maxLength: 512 }),
  // A frame the protocol would accept, sent as binary: frames are JSON text.
  clientFrame.map(({ text }) => new TextEncoder().encode(text)),
);

describe("a chat socket fed random frames", () => {
  beforeAll(seedCatalog);
  afterEach(() => vi.useRealTimers());

  it("answers every rejected frame with one error frame, stays open, and changes nothing", async () => {
    const chat = await newChat();
    const { socket, markerAnswer } = await openSocket(chat);
    const before = await chatRecord(chat);
    const pace = paceFrames();
    await fc.assert(
      fc.asyncProperty(rejectedFrame, async (frame) => {
        pace(2);
        const answer = await socket.exchange([frame]);
        expect(answer[0]).toEqual(REJECTED);
        // The marker hello is answered exactly as before: same fields, receipts and presence.
        expect(answer.slice(1)).toEqual(markerAnswer);
        expect(await chatRecord(chat)).toEqual(before);
      }),
      { ...FUZZ, numRuns: 3_000 },
    );
    expect(socket.closedWith).toBeNull();
    socket.ws.close(1000);
  });

  it("rejects frames of megabytes the same way, without closing the socket", async () => {
    // The object sets no frame size limit of its own: these are parsed in full and refused like any other.
    const chat = await newChat();
    const { socket, markerAnswer } = await openSocket(chat);
    const before = await chatRecord(chat);
    const huge = fc.record({ bytes: fc.integer({ min: 2 ** 20 + 1, max: 3 * 2 ** 20 }), form: fc.constantFrom("padded hello", "typing as text", "not json", "binary") });
    await fc.assert(
      fc.asyncProperty(huge, async ({ bytes, form }) => {
        const filler = "x".repeat(bytes);
        const frame =
          form === "padded hello" ? `{"v":1,"type":"hello","after":0,"pad":"${filler}"}`
          : form === "typing as text" ? `{"v":1,"type":"typing","typing":"${filler}"}`
          : form === "not json" ? filler
          : new Uint8Array(bytes);
        const answer = await socket.exchange([frame]);
        expect(answer[0]).toEqual(REJECTED);
        expect(answer.slice(1)).toEqual(markerAnswer);
        expect(await chatRecord(chat)).toEqual(before);
      }),
      { ...FUZZ, numRuns: 24 },
    );
    expect(socket.closedWith).toBeNull();
    socket.ws.close(1000);
  });

  it("answers no frame the protocol accepts with an error, and writes nothing for any of them", async () => {
    const chat = await newChat();
    const { socket, lastSeq } = await openSocket(chat);
    const before = await chatRecord(chat);
    const pace = paceFrames();
    await fc.assert(
      fc.asyncProperty(fc.array(clientFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
        pace(frames.length + 1);
        // A hello from a cursor the chat has reached is answered down to a presence frame; one from the future gets only `resync`.
        const opened = frames.filter(({ frame }) => frame.type === "hello" && frame.after <= lastSeq).length;
        const answer = await socket.exchange(
          frames.map(({ text }) => text),
          opened + 1,
        );
        expect(answer.filter((frame) => !("type" in frame) || frame.type === "error")).toEqual([]);
        expect(await chatRecord(chat)).toEqual(before);
      }),
      { ...FUZZ, numRuns: 1_000 },
    );
    // Nothing was left unread: the next rejected frame's error comes first.
    expect((await socket.exchange(["{}"]))[0]).toEqual(REJECTED);
    socket.ws.close(1000);
  });
});

// ---- upgrades -------------------------------------------------------------------

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const;
/** Printable ASCII (what a header can carry), prefixed so it can never equal a real value. */
const junk = fc.string({ maxLength: 40 }).map((text) => `x${text}`);

const upgradeHeader = fc.oneof(
  fc.constantFrom("websocket", "WebSocket", "WEBSOCKET").map((header) => ({ header, valid: true })),
  fc.oneof(fc.constantFrom(null, "", "h2c", "websockets", "web socket", "websocket, h2c"), junk).map((header) => ({ header, valid: false })),
);

/** Tickets the route or the object must refuse: none, unsigned, signed with another key, expired, over-long, for another chat or owner, or used. */
const TICKET_KINDS = ["absent", "garbage", "forged claims", "wrong key", "expired", "too long", "other chat", "spent", "stranger"] as const;
type TicketKind = (typeof TICKET_KINDS)[number];

const STATUS_CODE: Record<number, string> = { 401: "unauthorized", 404: "not_found", 426: "upgrade_required" };

/** A refusal: the expected 4xx with a JSON error (HEAD answers carry no body), and never a socket. */
async function expectRefused(response: Response, method: string, status: number) {
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000);
  }
  expect(response.webSocket).toBeNull();
  expect(response.status).toBe(status);
  if (method !== "HEAD") expect(await response.json()).toEqual({ error: { code: STATUS_CODE[status], message: expect.any(String) } });
}

describe("socket upgrades with missing or forged parts", () => {
  beforeAll(seedCatalog);

  it("are refused by the chat's object with 426, 401 or 404, and change nothing", async () => {
    // The sidecar is the only caller and sets these headers from a checked ticket: here they are forged
    // at will. The object does not look at the method (the sidecar always forwards a GET).
    const chat = await newChat();
    const stub = chatSession(chat.sessionId);
    const spentNonce = "spent-nonce";
    const spent = await stub.fetch("http://chat-session/socket", {
      headers: { upgrade: "websocket", [SOCKET_OWNER_HEADER]: chat.ownerId, [SOCKET_NONCE_HEADER]: spentNonce, [SOCKET_EXPIRES_HEADER]: String(Date.now() + 600_000) },
    });
    expect(spent.status).toBe(101);
    // Kept open throughout, so the socket count it adds is part of "before".
    spent.webSocket!.accept();
    const before = await chatRecord(chat);

    const owner = fc.oneof(
      fc.constant({ header: chat.ownerId as string | null, valid: true }),
      fc
        .oneof(fc.constantFrom(null, "", STRANGER, chat.ownerId.toUpperCase(), `${chat.ownerId}x`, chat.ownerId.slice(0, -1)), junk)
        .map((header) => ({ header, valid: false })),
    );
    // A fresh nonce gets a unique suffix when sent: the object remembers every nonce it has seen.
    const nonce = fc.oneof(
      fc.string({ maxLength: 20 }).map((header) => ({ header: header as string | null, fresh: true })),
      fc.constantFrom(null, "", spentNonce).map((header) => ({ header, fresh: false })),
    );
    const expires = fc.oneof(
      fc.integer({ min: 60_000, max: 10 ** 12 }).map((ms) => ({ kind: "ahead" as const, ms })),
      fc.integer({ min: 0, max: 10 ** 12 }).map((ms) => ({ kind: "behind" as const, ms })),
      fc.oneof(fc.constantFrom(null, "", "0", "-1", "NaN", "Infinity", "-Infinity", "1e400", "0x10"), junk).map((text) => ({ kind: "text" as const, text })),
    );
    const request = fc
      .record({ method: fc.constantFrom(...METHODS), upgrade: upgradeHeader, owner, nonce, expires })
      .filter((r) => !(r.upgrade.valid && r.owner.valid && r.nonce.fresh && r.expires.kind === "ahead"));

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const now = Date.now();
        const headers: Record<string, string> = {};
        if (r.upgrade.header !== null) headers.upgrade = r.upgrade.header;
        if (r.owner.header !== null) headers[SOCKET_OWNER_HEADER] = r.owner.header;
        if (r.nonce.header !== null) headers[SOCKET_NONCE_HEADER] = r.nonce.fresh ? `${r.nonce.header}${crypto.randomUUID()}` : r.nonce.header;
        const expiresAt = r.expires.kind === "ahead" ? String(now + r.expires.ms) : r.expires.kind === "behind" ? String(now - r.expires.ms) : r.expires.text;
        if (expiresAt !== null) headers[SOCKET_EXPIRES_HEADER] = expiresAt;

        const response = await stub.fetch("http://chat-session/socket", { method: r.method, headers });
        // In the order the object checks: the upgrade, then the ticket's nonce and expiry, then the owner.
        const status = !r.upgrade.valid ? 426 : !(r.nonce.fresh && r.expires.kind === "ahead") ? 401 : 404;
        await expectRefused(response, r.method, status);
        expect(await chatRecord(chat)).toEqual(before);
      }),
      { ...FUZZ, numRuns: 1_000 },
    );
    spent.webSocket!.close(1000);
  });

  it("are refused by the sidecar's socket route whatever headers the caller forges, and change nothing", async () => {
    const chat = await newChat();
    const key = env.INTERNAL_KEY;
    const spentTicket = unwrapOk(await sidecar.issueSocketTicket(chat.sessionId, chat.ownerId)).ticket;
    const spent = await exports.default.fetch(
      new Request(`http://sidecar${socketPath(chat.sessionId)}?ticket=${encodeURIComponent(spentTicket)}`, { headers: { upgrade: "websocket" } }),
    );
    expect(spent.status).toBe(101);
    spent.webSocket!.accept();
    const before = await chatRecord(chat);

    const ticketOf = async (kind: TicketKind, text: string): Promise<string | null> => {
      const now = Date.now();
      const mint = (input: { sessionId?: string; ownerId?: string; now?: number; key?: string }) =>
        mintTicket(input.key ?? key, { sessionId: input.sessionId ?? chat.sessionId, ownerId: input.ownerId ?? chat.ownerId, now: input.now ?? now }).then((t) => t.ticket);
      switch (kind) {
        case "absent":
          return null;
        case "garbage":
          return text;
        case "forged claims": {
          const signature = (await mint({ ownerId: STRANGER })).split(".")[1];
          const claims = { s: chat.sessionId, o: chat.ownerId, e: now + SOCKET_TICKET_TTL_MS, n: text };
          return `${toBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${signature}`;
        }
        case "wrong key":
          return mint({ key: `${key}-not` });
        case "expired":
          return mint({ now: now - SOCKET_TICKET_TTL_MS - 1 });
        case "too long":
          return `${await mint({})}${"A".repeat(512)}`;
        case "other chat":
          return mint({ sessionId: newSessionId() });
        case "spent":
          return spentTicket;
        case "stranger":
          return mint({ ownerId: STRANGER });
      }
    };

    const path = fc.oneof(
      fc.constantFrom({ kind: "chat" as const, raw: "" }, { kind: "another chat" as const, raw: "" }),
      fc
        .oneof(
          fc.constantFrom("%zz", "%", "%00", chat.sessionId.toUpperCase(), `${chat.sessionId}0`, encodeURIComponent(`${chat.sessionId}/`)),
          fc.string({ minLength: 1, maxLength: 60 }).filter((text) => text !== "." && text !== "..").map(encodeURIComponent),
        )
        .map((raw) => ({ kind: "malformed" as const, raw })),
    );
    const request = fc.record({
      method: fc.constantFrom(...METHODS),
      upgrade: upgradeHeader,
      path,
      ticket: fc.record({ kind: fc.constantFrom(...TICKET_KINDS), text: fc.string({ maxLength: 80 }) }),
      // Headers only the sidecar may set, claiming the chat's owner: the route must replace them.
      forged: fc.subarray([SOCKET_OWNER_HEADER, SOCKET_NONCE_HEADER, SOCKET_EXPIRES_HEADER]),
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const ticket = await ticketOf(r.ticket.kind, r.ticket.text);
        const id = r.path.kind === "chat" ? encodeURIComponent(chat.sessionId) : r.path.kind === "another chat" ? newSessionId() : r.path.raw;
        const url = `http://sidecar/api/chat/session/${id}/socket${ticket === null ? "" : `?ticket=${encodeURIComponent(ticket)}`}`;
        const forgedValue: Record<string, string> = {
          [SOCKET_OWNER_HEADER]: chat.ownerId,
          [SOCKET_NONCE_HEADER]: crypto.randomUUID(),
          [SOCKET_EXPIRES_HEADER]: String(Date.now() + SOCKET_TICKET_TTL_MS),
        };
        const headers: Record<string, string> = Object.fromEntries(r.forged.map((name) => [name, forgedValue[name]!]));
        if (r.upgrade.header !== null) headers.upgrade = r.upgrade.header;

        const response = await exports.default.fetch(new Request(url, { method: r.method, headers }));
        // In the order the route checks: the upgrade, the chat id, the ticket; then the object: a used nonce, the owner.
        const status =
          !r.upgrade.valid ? 426
          : r.path.kind === "malformed" ? 404
          : r.path.kind === "another chat" || (r.ticket.kind !== "spent" && r.ticket.kind !== "stranger") ? 401
          : r.ticket.kind === "spent" ? 401
          : 404;
        await expectRefused(response, r.method, status);
        expect(await chatRecord(chat)).toEqual(before);
      }),
      { ...FUZZ, numRuns: 1_000 },
    );
    spent.webSocket!.close(1000);
  });
});
