import type { ChatSessionTransport } from "./chat-session-transport";
import { AppError, errorFromHttp } from "./errors";
import type { MessagePageQuery, NewUserMessage, ReplyVote, SessionPatch } from "./schemas";

/**
 * The shared schemas that check each answer, loaded with the first request rather than with the
 * page: zod and the schemas are most of the chat page's JavaScript, and nothing needs them before
 * an answer arrives. The load runs beside the request, so an answer waits for it only when the
 * chunk is slower than the server.
 */
const schemas = () => import("./schemas");

/** Browser transport: HTTP to `/api/chat/session/...`, responses validated with the shared schemas. */
export class HttpChatSessionClient implements ChatSessionTransport {
  constructor(
    readonly sessionId: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async getState() {
    const [{ ChatState }, body] = await Promise.all([schemas(), this.request("GET", "")]);
    return ChatState.parse(body);
  }

  async listMessages(query: Partial<MessagePageQuery>) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const [{ MessagePage }, body] = await Promise.all([schemas(), this.request("GET", `/messages?${params}`)]);
    return MessagePage.parse(body);
  }

  async sendMessage(message: NewUserMessage) {
    const [{ SendResult }, body] = await Promise.all([schemas(), this.request("POST", "/messages", message)]);
    return SendResult.parse(body);
  }

  async patchState(patch: SessionPatch) {
    const [{ ChatState }, body] = await Promise.all([schemas(), this.request("PATCH", "", patch)]);
    return ChatState.parse(body);
  }

  async socketTicket() {
    const [{ SocketTicketResponse }, body] = await Promise.all([schemas(), this.request("POST", "/socket-ticket")]);
    return SocketTicketResponse.parse(body);
  }

  async rateReply(messageId: string, vote: ReplyVote | null) {
    const [{ ReplyFeedback }, body] = await Promise.all([schemas(), this.request("PUT", `/messages/${encodeURIComponent(messageId)}/feedback`, { vote })]);
    return ReplyFeedback.parse(body);
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
