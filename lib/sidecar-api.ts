import type { Result } from "./errors";
import type { BookingSummary, ChatState, ChatSummary, MessagePage, MessagePageQuery, NewUserMessage, SendResult, SessionPatch } from "./schemas";
import type { Tutor } from "./tutoring/schemas";

/**
 * The sidecar's RPC surface as the web worker sees it through the SIDECAR
 * service binding. The sidecar's entrypoint `implements` this, so the two
 * workers cannot drift apart; arguments are validated again on the far side.
 * Methods return `Result`s: a 4xx crosses the binding as data, while a thrown
 * error means the sidecar itself could not be reached.
 */
export interface SidecarApi {
  /** Cheap liveness probe. */
  ping(): Promise<"pong">;
  getState(sessionId: string, ownerId: string): Promise<Result<ChatState>>;
  listMessages(sessionId: string, ownerId: string, query: MessagePageQuery): Promise<Result<MessagePage>>;
  /** Stores the user's message (creating the session on first use) and runs the assistant's turn. */
  sendMessage(sessionId: string, ownerId: string, message: NewUserMessage): Promise<Result<SendResult>>;
  patchState(sessionId: string, ownerId: string, patch: SessionPatch): Promise<Result<ChatState>>;
  /** The tutor directory, optionally narrowed to a subject prefix. */
  listTutors(query: string): Promise<Result<Tutor[]>>;
  /** The owner's bookings, newest first. */
  listBookings(ownerId: string): Promise<Result<BookingSummary[]>>;
  /** The owner's chats, or their trash with purge dates. */
  listChats(ownerId: string, trash: boolean): Promise<Result<ChatSummary[]>>;
  /** Soft delete: into the trash, and the chat's object closes its gate. */
  deleteChat(sessionId: string, ownerId: string): Promise<Result<ChatSummary>>;
  /** Back from the trash within the tier's grace period; `gone` after it. */
  restoreChat(sessionId: string, ownerId: string): Promise<Result<ChatSummary>>;
}
