import type { Result } from "./errors";
import type { BookingSummary, ChatState, ChatSummary, MessagePage, MessagePageQuery, NewUserMessage, SendResult, SessionPatch, SocketTicketResponse } from "./schemas";
import type { KvStats } from "./queue/schemas";
import type { AnalyticsSeries } from "./analytics/events";
import type { Tutor } from "./tutoring/schemas";
import type { StaffClaimed, StaffInboxList, StaffInviteCreated, StaffInviteOptions, StaffSessionInfo, StaffSignedIn, StaffSignInOptions, StaffSite, NewStaffInvite } from "./staff/schemas";

/** A bot queue answer: its data plus `kvStats`, the exact SQLite rows read and written to serve it. */
export type QueueResult = Result<Record<string, unknown> & { kvStats: KvStats }>;

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
  sendMessage(sessionId: string, ownerId: string, message: NewUserMessage, client?: { ip?: string }): Promise<Result<SendResult>>;
  patchState(sessionId: string, ownerId: string, patch: SessionPatch): Promise<Result<ChatState>>;
  /** A one-use, short-lived ticket that opens this chat's socket (the socket itself crosses by `fetch`). */
  issueSocketTicket(sessionId: string, ownerId: string): Promise<Result<SocketTicketResponse>>;
  /** The tutor directory, optionally narrowed to a subject prefix. */
  listTutors(query: string): Promise<Result<Tutor[]>>;
  /** The owner's bookings, newest first. */
  listBookings(ownerId: string): Promise<Result<BookingSummary[]>>;
  /** Cancels one of the owner's confirmed bookings (404 for anything else). */
  cancelBooking(ownerId: string, bookingId: string): Promise<Result<{ bookingId: string; status: "cancelled" }>>;
  /** The owner's chats, or their trash with purge dates. */
  listChats(ownerId: string, trash: boolean): Promise<Result<ChatSummary[]>>;
  /** Soft delete: into the trash, and the chat's object closes its gate. */
  deleteChat(sessionId: string, ownerId: string): Promise<Result<ChatSummary>>;
  /** Back from the trash within the tier's grace period; `gone` after it. */
  restoreChat(sessionId: string, ownerId: string): Promise<Result<ChatSummary>>;

  // The bot queue. `token` is the caller's bearer token, checked by the sidecar (which alone holds BOT_TOKEN).
  queuePending(token: string, limit: unknown): Promise<QueueResult>;
  queueClaim(token: string, input: unknown): Promise<QueueResult>;
  queueClaimNext(token: string, input: unknown): Promise<QueueResult>;
  queueComplete(token: string, input: unknown): Promise<QueueResult>;
  queueSetPriority(token: string, input: unknown): Promise<QueueResult>;
  queueConversation(token: string, query: unknown): Promise<QueueResult>;
  queueFeed(token: string, query: unknown): Promise<QueueResult>;
  queueDeadLetters(token: string, limit: unknown): Promise<QueueResult>;
  queueRequeue(token: string, messageId: unknown): Promise<QueueResult>;

  // Staff sign-in with passkeys (workers/staff/). `site` is the page's origin and the WebAuthn rpId, as the
  // web worker knows them; tokens are the bearer secrets the web worker keeps in its staff cookie.
  /** Registration options for an invite link: 404 unknown or used, 410 expired. */
  staffInviteOptions(inviteToken: string, site: StaffSite): Promise<Result<StaffInviteOptions>>;
  /** Verifies the browser's RegistrationResponseJSON, stores the passkey (and member), spends the invite, opens a session. */
  staffRegister(inviteToken: string, challengeId: string, response: unknown, site: StaffSite): Promise<Result<StaffSignedIn>>;
  /** Sign-in options for discoverable passkeys (no allowCredentials). */
  staffSignInOptions(site: StaffSite, client?: { ip?: string }): Promise<Result<StaffSignInOptions>>;
  /** Verifies the browser's AuthenticationResponseJSON: a session, a generic 401, or a 429 per client IP. */
  staffSignIn(challengeId: string, response: unknown, site: StaffSite, client?: { ip?: string }): Promise<Result<StaffSignedIn>>;
  /** Who holds this session token (401 when unknown, expired, revoked or disabled). */
  staffSession(sessionToken: string): Promise<Result<StaffSessionInfo>>;
  /** Revokes the session; idempotent. */
  staffSignOut(sessionToken: string): Promise<Result<{ signedOut: true }>>;
  /** An admin's one-time invite link token (403 for other roles), valid 24 h. */
  staffInvite(sessionToken: string, invite: NewStaffInvite): Promise<Result<StaffInviteCreated>>;

  // The hand-off inbox, for a staff session (staff and admins).
  staffInbox(sessionToken: string): Promise<Result<StaffInboxList>>;
  staffClaim(sessionToken: string, messageId: string): Promise<Result<StaffClaimed>>;
  staffReply(sessionToken: string, input: { messageId: string; leaseId: string; reply: string }): Promise<QueueResult>;
  staffDeadLetters(sessionToken: string): Promise<QueueResult>;
  staffRequeue(sessionToken: string, messageId: string): Promise<QueueResult>;

  // Analytics, for a staff session (staff and admins): `query` is an AnalyticsQuery (lib/analytics/events.ts).
  /** Counts per hour or per local day in the center's time zone; 400 for a bad range. */
  staffAnalytics(sessionToken: string, query: unknown): Promise<Result<AnalyticsSeries>>;
}
