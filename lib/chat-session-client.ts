import { isWholeForm, toBookingInfo, toSearchCriteria, type BookingInfoInput, type SearchCriteriaInput } from "./chat-session-input";
import type { ChatSessionTransport } from "./chat-session-transport";
import { openChatSocket, type ChatSocket, type SocketStatus } from "./chat-socket";
import { AppError } from "./errors";
import { HttpChatSessionClient } from "./http-chat-session-client";
import type { ChatMessage, ChatState, MessageRole, NewUserMessage, SendResult } from "./schemas";
import type { ServerFrame } from "./socket-frames";
import type { TutorMatch } from "./tutoring/schemas";

// The seed imports `getSessionId` from here, beside the client.
export { getSessionId } from "./session-id";

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
 * The client API of the seed's design note 001: `getState`,
 * `addMessage`, `setPendingMatch`... over either transport. It keeps no copy
 * of the state, so every tab reads what the Durable Object holds, and every
 * refusal (a 409 from the patch rules, a 503 when persistence is down)
 * reaches the caller as the thrown `AppError`.
 */
export class ChatSessionClient {
  readonly transport: ChatSessionTransport;

  /** The browser passes only the id (HTTP); the server passes a `BindingChatSessionClient` (lib/server/). */
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

  /**
   * Saves form fields of the form the assistant started; its step advances only through the
   * assistant (409 otherwise). The step may be the seed's name (`name-email`), and the seed's
   * form of just the fields typed is laid over the stored form (lib/chat-session-input.ts): a
   * read, then the write, so a field another tab saves in between is overwritten.
   */
  async setBookingInfo(info: BookingInfoInput | null): Promise<ChatState> {
    if (info === null || isWholeForm(info)) return this.transport.patchState({ bookingInfo: info && toBookingInfo(info, null) });
    const stored = (await this.getState())?.bookingInfo ?? null;
    return this.transport.patchState({ bookingInfo: toBookingInfo(info, stored) });
  }

  /** Takes the schema's input (`excludeTutorIds` may be left out) or the seed's (`day: "Monday"`, `time: "10:00"`). */
  async setSearchCriteria(criteria: SearchCriteriaInput | null): Promise<ChatState> {
    return this.transport.patchState({ searchCriteria: criteria && toSearchCriteria(criteria) });
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
