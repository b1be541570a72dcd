import type { ChatState, MessagePage, MessagePageQuery, NewUserMessage, ReplyFeedback, ReplyVote, SendResult, SessionPatch, SocketTicketResponse } from "./schemas";

/**
 * One interface, two transports: in the browser it speaks HTTP to the route
 * handlers (lib/http-chat-session-client.ts); on the server it speaks RPC to
 * the sidecar through the service binding (lib/server/binding-chat-session-client.ts).
 * Both fail with `AppError`s carrying the same codes. `ChatSessionClient`
 * (lib/chat-session-client.ts) is the API the seed's examples use, over either.
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
