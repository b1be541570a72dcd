import type { z } from "zod";
import { openChatSocket, type ChatSocket, type SocketStatus } from "./chat-socket";
import { AppError, errorFromHttp, unwrap, zodIssues, type Result } from "./errors";
import {
  ChatState,
  MessagePage,
  ReplyFeedback,
  SendResult,
  SocketTicketResponse,
  type ChatMessage,
  type MessagePageQuery,
  type MessageRole,
  type NewUserMessage,
  type ReplyVote,
  type SessionPatch,
} from "./schemas";
import { createSessionId, isSessionId } from "./ids";
import type { ServerFrame } from "./socket-frames";
import type { SidecarApi } from "./sidecar-api";
import { SearchCriteria, type BookingInfo, type TutorMatch } from "./tutoring/schemas";

/**
 * One interface, two transports: in the browser it speaks HTTP to the route
 * handlers; on the server it speaks RPC to the sidecar through the service
 * binding. Both fail with `AppError`s carrying the same codes.
 * `ChatSessionClient` below is the API pages and the seed's examples use.
 */
export interface ChatSessionTransport {
  readonly sessionId: string;
  /** Fields plus the newest page of messages. */
  getState(): Promise<ChatState>;
  /** A page of messages after (or before) a sequence cursor. */
  listMessages(query: Partial<MessagePageQuery>): Promise<MessagePage>;
  /** Adds the user's message (creating the session on first use); returns the assistant's replies too. */
  sendMessage(message: NewUserMessage): Promise<SendResult>;
  /** Overwrites some of pendingMatch / bookingInfo / searchCriteria / availableTutors. */
  patchState(patch: SessionPatch): Promise<ChatState>;
  /** A one-use ticket that opens this chat's live socket (see lib/socket-frames.ts). */
  socketTicket(): Promise<SocketTicketResponse>;
  /** The student's 👍/👎 on one assistant reply; null clears it. */
  rateReply(messageId: string, vote: ReplyVote | null): Promise<ReplyFeedback>;
}

export const UNAVAILABLE_MESSAGE = "Chat persistence is not running, so this chat cannot be saved.";

/** Browser transport: HTTP to `/api/chat/session/...`, responses validated with the shared schemas. */
export class HttpChatSessionClient implements ChatSessionTransport {
  constructor(
    readonly sessionId: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async getState() {
    return ChatState.parse(await this.request("GET", ""));
  }

  async listMessages(query: Partial<MessagePageQuery>) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    return MessagePage.parse(await this.request("GET", `/messages?${params}`));
  }

  async sendMessage(message: NewUserMessage) {
    return SendResult.parse(await this.request("POST", "/messages", message));
  }

  async patchState(patch: SessionPatch) {
    return ChatState.parse(await this.request("PATCH", "", patch));
  }

  async socketTicket() {
    return SocketTicketResponse.parse(await this.request("POST", "/socket-ticket"));
  }

  async rateReply(messageId: string, vote: ReplyVote | null) {
    return ReplyFeedback.parse(await this.request("PUT", `/messages/${encodeURIComponent(messageId)}/feedback`, { vote }));
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      // The owner cookie rides along by fetch's default (`credentials: "same-origin"`), left
      // implicit because workerd's RequestInit, which type-checks this module too, has no such field.
      response = await this.fetchImpl(`/api/chat/session/${encodeURIComponent(this.sessionId)}${path}`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AppError("persistence_unavailable:sidecar", "The server could not be reached.", undefined, { cause: error });
    }
    const data: unknown = await response.json().catch(() => null);
    if (response.ok) return data;
    throw errorFromHttp(response.status, data);
  }
}

/** Server transport: RPC to the sidecar with the caller's owner id. */
export class BindingChatSessionClient implements ChatSessionTransport {
  constructor(
    private readonly sidecar: SidecarApi,
    readonly sessionId: string,
    private readonly ownerId: string,
    /** The caller's address (CF-Connecting-IP), for the limits by address (new chats, every other write). */
    private readonly clientIp?: string,
  ) {}

  private get client() {
    return this.clientIp ? { ip: this.clientIp } : undefined;
  }

  getState() {
    return callSidecar(() => this.sidecar.getState(this.sessionId, this.ownerId));
  }

  listMessages(query: Partial<MessagePageQuery>) {
    return callSidecar(() => this.sidecar.listMessages(this.sessionId, this.ownerId, { limit: 50, ...query }));
  }

  sendMessage(message: NewUserMessage) {
    return callSidecar(() => this.sidecar.sendMessage(this.sessionId, this.ownerId, message, this.client));
  }

  patchState(patch: SessionPatch) {
    return callSidecar(() => this.sidecar.patchState(this.sessionId, this.ownerId, patch, this.client));
  }

  socketTicket() {
    return callSidecar(() => this.sidecar.issueSocketTicket(this.sessionId, this.ownerId, this.client));
  }

  /** Idempotent: the same vote again writes and counts nothing. */
  rateReply(messageId: string, vote: ReplyVote | null) {
    return callSidecar(() => this.sidecar.rateReply(this.sessionId, this.ownerId, messageId, vote, this.client));
  }
}

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

/** A message as the seed's examples pass it; only the student's own ever reach the server. */
export type ClientMessage = NewUserMessage & { role: MessageRole };

export interface ChatSubscriptionOptions {
  /** The newest seq the caller already holds (its state's `lastSeq`); 0 replays the whole history. */
  after?: number;
  /** The state reloaded after a `resync` frame; the stream continues right after it. */
  onResync?: (state: ChatState | null) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Where the page is served from (default: this page's location). */
  origin?: string;
}

/**
 * The client API of the seed's design note: `getState`,
 * `addMessage`, `setPendingMatch`... over either transport. It keeps no copy
 * of the state, so every tab reads what the Durable Object holds, and every
 * refusal (a 409 from the patch rules, a 503 when persistence is down)
 * reaches the caller as the thrown `AppError`.
 */
export class ChatSessionClient {
  readonly transport: ChatSessionTransport;

  /** The browser passes only the id (HTTP); the server passes a `BindingChatSessionClient`. */
  constructor(
    readonly sessionId: string,
    transport?: ChatSessionTransport,
  ) {
    if (transport && transport.sessionId !== sessionId) {
      throw new AppError("bad_request:params", "The transport belongs to another chat session.");
    }
    this.transport = transport ?? new HttpChatSessionClient(sessionId);
  }

  /** The whole state, or null before the first message: a chat exists only once the student wrote. */
  async getState(): Promise<ChatState | null> {
    try {
      return await this.transport.getState();
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    }
  }

  /** The newest page of messages, oldest first (older pages: `transport.listMessages`). */
  async getMessages(): Promise<ChatMessage[]> {
    return (await this.getState())?.messages ?? [];
  }

  /**
   * Sends the student's message; the assistant answers it in the same call.
   * Other roles are refused rather than dropped: the assistant writes its own
   * messages on the server, so a client copy would only diverge.
   */
  async addMessage({ role, content, id }: ClientMessage): Promise<SendResult> {
    if (role !== "user") {
      throw new AppError(
        "bad_request:body",
        `Only the student's messages are sent by the client; ${role} messages come from the assistant, not the client.`,
      );
    }
    return this.transport.sendMessage(id === undefined ? { content } : { id, content });
  }

  async getPendingMatch(): Promise<TutorMatch | null> {
    return (await this.getState())?.pendingMatch ?? null;
  }

  /** Must be one of `availableTutors` (lib/tutoring/patch-rules.ts), or the server answers 409. */
  setPendingMatch(match: TutorMatch | null): Promise<ChatState> {
    return this.transport.patchState({ pendingMatch: match });
  }

  /** Saves form fields of the form the assistant started; its step advances only through the assistant (409 otherwise). */
  setBookingInfo(info: BookingInfo | null): Promise<ChatState> {
    return this.transport.patchState({ bookingInfo: info });
  }

  /** Takes the schema's input, so `excludeTutorIds` may be left out as the seed does. */
  setSearchCriteria(criteria: z.input<typeof SearchCriteria> | null): Promise<ChatState> {
    if (criteria === null) return this.transport.patchState({ searchCriteria: null });
    const parsed = SearchCriteria.safeParse(criteria);
    if (!parsed.success) throw new AppError("bad_request:body", "Invalid search criteria.", zodIssues(parsed.error));
    return this.transport.patchState({ searchCriteria: parsed.data });
  }

  /**
   * Every live frame of this chat (messages, field changes, typing, presence)
   * until `close()`; browser only (lib/chat-socket.ts). The socket resumes after
   * the newest message it delivered. On `resync` the client reloads the state
   * itself and resumes from that reload's `lastSeq`, so no message falls
   * between the reload and the stream.
   */
  subscribe(listener: (frame: ServerFrame) => void, options: ChatSubscriptionOptions = {}): ChatSocket {
    let cursor = options.after ?? 0;
    const resync = async () => {
      const state = await this.getState();
      cursor = state?.lastSeq ?? 0;
      options.onResync?.(state);
      socket.send({ v: 1, type: "hello", after: cursor });
    };
    const socket = openChatSocket({
      sessionId: this.sessionId,
      ticket: async () => (await this.transport.socketTicket()).ticket,
      cursor: () => cursor,
      onFrame: (frame) => {
        if (frame.type === "messages") cursor = frame.lastSeq;
        listener(frame);
        // A failed reload leaves the cursor behind; the next reconnect's hello asks again.
        if (frame.type === "resync") resync().catch((error: unknown) => console.warn("[chat socket] resync failed:", error));
      },
      onStatus: options.onStatus,
      origin: options.origin,
    });
    return socket;
  }
}

const STORAGE_KEY = "tutor-chat:session-id";

/** The part of Web Storage used here, declared by hand because workerd (which imports this module) has no DOM types. */
export interface SessionIdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The browser's localStorage, read only when a default is needed: importing this module on the server must not touch it. */
function browserStorage(): SessionIdStorage {
  const { localStorage } = globalThis as { localStorage?: SessionIdStorage };
  if (!localStorage) throw new AppError("internal:server", "There is no localStorage here; pass a storage or a session id.");
  return localStorage;
}

/** The browser's current session id, if it has chatted before. */
export function loadSessionId(storage: Pick<SessionIdStorage, "getItem"> = browserStorage()): string | null {
  const stored = storage.getItem(STORAGE_KEY);
  return isSessionId(stored) ? stored : null;
}

/** Creates and remembers a session id: called on the first chat. */
export function startSession(storage: Pick<SessionIdStorage, "setItem"> = browserStorage()): string {
  const id = createSessionId();
  storage.setItem(STORAGE_KEY, id);
  return id;
}

export function rememberSession(id: string, storage: Pick<SessionIdStorage, "setItem"> = browserStorage()): void {
  if (isSessionId(id)) storage.setItem(STORAGE_KEY, id);
}

export function forgetSession(storage: Pick<SessionIdStorage, "removeItem"> = browserStorage()): void {
  storage.removeItem(STORAGE_KEY);
}

/** The seed's `getSessionId()`: this browser's chat, or a new one on its first visit. */
export function getSessionId(storage: Pick<SessionIdStorage, "getItem" | "setItem"> = browserStorage()): string {
  return loadSessionId(storage) ?? startSession(storage);
}
