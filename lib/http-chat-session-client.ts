import type { ChatSessionTransport } from "./chat-session-transport";
import { AppError, errorFromHttp } from "./errors";
import {
  ChatState,
  MessagePage,
  ReplyFeedback,
  SendResult,
  SocketTicketResponse,
  type MessagePageQuery,
  type NewUserMessage,
  type ReplyVote,
  type SessionPatch,
} from "./schemas";

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
