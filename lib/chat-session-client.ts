import { AppError, errorFromHttp, unwrap, type Result } from "./errors";
import {
  ChatState,
  MessagePage,
  SendResult,
  type MessagePageQuery,
  type NewUserMessage,
  type SessionPatch,
} from "./schemas";
import { createSessionId, isSessionId } from "./session-id";
import type { SidecarApi } from "./sidecar-api";

/**
 * One client, one interface, two transports: in the browser it speaks HTTP to
 * the route handlers; on the server it speaks RPC to the sidecar through the
 * service binding. Both fail with `AppError`s carrying the same codes.
 */
export interface ChatSessionClient {
  readonly sessionId: string;
  /** Fields plus the newest page of messages. */
  getState(): Promise<ChatState>;
  /** A page of messages after (or before) a sequence cursor. */
  listMessages(query: Partial<MessagePageQuery>): Promise<MessagePage>;
  /** Adds the user's message (creating the session on first use); returns the assistant's replies too. */
  sendMessage(message: NewUserMessage): Promise<SendResult>;
  /** Overwrites some of pendingMatch / bookingInfo / searchCriteria / availableTutors. */
  patchState(patch: SessionPatch): Promise<ChatState>;
}

export const UNAVAILABLE_MESSAGE = "Chat persistence is not running, so this chat cannot be saved.";

/** Browser transport: HTTP to `/api/chat/session/...`, responses validated with the shared schemas. */
export class HttpChatSessionClient implements ChatSessionClient {
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

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchImpl(`/api/chat/session/${encodeURIComponent(this.sessionId)}${path}`, {
        method,
        credentials: "same-origin",
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
export class BindingChatSessionClient implements ChatSessionClient {
  constructor(
    private readonly sidecar: SidecarApi,
    readonly sessionId: string,
    private readonly ownerId: string,
  ) {}

  getState() {
    return callSidecar(() => this.sidecar.getState(this.sessionId, this.ownerId));
  }

  listMessages(query: Partial<MessagePageQuery>) {
    return callSidecar(() => this.sidecar.listMessages(this.sessionId, this.ownerId, { limit: 50, ...query }));
  }

  sendMessage(message: NewUserMessage) {
    return callSidecar(() => this.sidecar.sendMessage(this.sessionId, this.ownerId, message));
  }

  patchState(patch: SessionPatch) {
    return callSidecar(() => this.sidecar.patchState(this.sessionId, this.ownerId, patch));
  }
}

/**
 * Unwraps a sidecar result. A throw means the sidecar could not be reached
 * (absent, or not running in local dev, which the dev registry reports at once).
 */
export async function callSidecar<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (error) {
    console.warn("[sidecar] unreachable:", error instanceof Error ? error.message : error);
    throw new AppError("persistence_unavailable:sidecar", UNAVAILABLE_MESSAGE, undefined, { cause: error });
  }
  return unwrap(result);
}

const STORAGE_KEY = "tutor-chat:session-id";

/** The browser's current session id, if it has chatted before. */
export function loadSessionId(storage: Pick<Storage, "getItem"> = localStorage): string | null {
  const stored = storage.getItem(STORAGE_KEY);
  return isSessionId(stored) ? stored : null;
}

/** Creates and remembers a session id: called on the first chat. */
export function startSession(storage: Pick<Storage, "setItem"> = localStorage): string {
  const id = createSessionId();
  storage.setItem(STORAGE_KEY, id);
  return id;
}

export function rememberSession(id: string, storage: Pick<Storage, "setItem"> = localStorage): void {
  if (isSessionId(id)) storage.setItem(STORAGE_KEY, id);
}

export function forgetSession(storage: Pick<Storage, "removeItem"> = localStorage): void {
  storage.removeItem(STORAGE_KEY);
}
