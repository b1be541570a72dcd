import type { ChatSessionTransport } from "../chat-session-transport";
import type { MessagePageQuery, NewUserMessage, ReplyVote, SessionPatch } from "../schemas";
import type { SidecarApi } from "../sidecar-api";
import { callSidecar } from "./call-sidecar";

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
