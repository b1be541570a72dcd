import type { CenterPolicy, CenterSettingsView } from "./center/policy";
import type { Result } from "./errors";
import type { BookingSummary, ChatState, ChatSummary, MessagePage, MessagePageQuery, NewUserMessage, ReplyFeedback, ReplyVote, SendResult, SessionPatch, SocketTicketResponse } from "./schemas";
import type { KvStats } from "./queue/schemas";
import type { SinkMessageList } from "./mail/sink";
import type { EmailWithheld } from "./mail/recipients";
import type { MailStopState } from "./mail/stop-link";
import type { BookingLinkMoveBody, BookingLinkMoved, BookingLinkMoveOptions, BookingLinkView } from "./mail/manage-link";
import type { StudentFact } from "./memory/schemas";
import type { ForgetMeResult } from "./memory/page-schemas";
import type { AnalyticsSeries } from "./analytics/events";
import type { Tutor } from "./tutoring/schemas";
import type { ScheduleWeek, ScheduleWeekQuery, StaffAttendance, StaffCancel, StaffCancelled, StaffNote } from "./staff/schedule";
import type { StaffTutorDetail, StaffTutorList, TutorInputDraft } from "./staff/tutor-schemas";
import type { SubjectAlias, SubjectAliasInput, SubjectAliasList } from "./staff/alias-schemas";
import type { StaffMemberEntry, StaffMemberList, StaffPendingInviteList, StaffRoleChange } from "./staff/members";
import type { StaffClaimed, StaffInboxList, StaffInviteCreated, StaffInviteOptions, StaffMember, StaffSessionInfo, StaffSignedIn, StaffSignInOptions, StaffSite, NewStaffInvite } from "./staff/schemas";
import type { ReminderPreference } from "./mail/reminder-preference";
import type { AccountView, SignedIn, SignInLinkInfo } from "./accounts/schemas";
import type { SsoConfig, SsoFinished, SsoSettingsView, SsoStarted } from "./accounts/sso";
import type { MarkRead, NotificationList, NotificationPreferences, NotificationPreferencesInput, UnreadCount } from "./notifications/schemas";

/**
 * The caller as the web worker saw it (`CF-Connecting-IP`), for the limits by address
 * (lib/rate-limits.ts keys an IPv6 client by its /64). Absent locally: nothing is limited by address.
 */
export type ClientIp = { ip?: string };

/** A bot queue answer: its data plus `kvStats`, the exact SQLite rows read and written to serve it. */
export type QueueResult = Result<Record<string, unknown> & { kvStats: KvStats }>;

/**
 * The sidecar's RPC surface as the web worker sees it through the SIDECAR
 * service binding. The sidecar's entrypoint `implements` this, so the two
 * workers cannot drift apart; arguments are validated again on the far side.
 * Methods return `Result`s: a 4xx crosses the binding as data, while a thrown
 * error means the sidecar itself could not be reached. Every write is limited
 * (lib/rate-limits.ts); those limited by address take the caller's `client`.
 */
export interface SidecarApi {
  /** Cheap liveness probe. */
  ping(): Promise<"pong">;
  /** The center a request's host name names (case and port ignored); the first center for any host no center claims. */
  centerForHost(host: unknown): Promise<Result<{ id: string; name: string }>>;
  getState(sessionId: string, ownerId: string): Promise<Result<ChatState>>;
  listMessages(sessionId: string, ownerId: string, query: MessagePageQuery): Promise<Result<MessagePage>>;
  /** Stores the user's message (creating the session on first use) and runs the assistant's turn. */
  sendMessage(sessionId: string, ownerId: string, message: NewUserMessage, client?: ClientIp): Promise<Result<SendResult>>;
  patchState(sessionId: string, ownerId: string, patch: SessionPatch, client?: ClientIp): Promise<Result<ChatState>>;
  /** A one-use, short-lived ticket that opens this chat's socket (the socket itself crosses by `fetch`). */
  issueSocketTicket(sessionId: string, ownerId: string, client?: ClientIp): Promise<Result<SocketTicketResponse>>;
  /** A center's tutor directory, optionally narrowed to a subject prefix (an unknown center: not_found). */
  listTutors(center: string, query: string): Promise<Result<Tutor[]>>;
  /** The owner's bookings, newest first. */
  listBookings(ownerId: string): Promise<Result<BookingSummary[]>>;
  /** Cancels one of the owner's confirmed bookings (404 for anything else); `lateCancel` when inside the center's cutoff. */
  cancelBooking(
    ownerId: string,
    bookingId: string,
    client?: ClientIp,
  ): Promise<Result<{ bookingId: string; status: "cancelled"; lateCancel: boolean; cutoffHours: number; emailedTo?: string; emailWithheld?: EmailWithheld }>>;
  /** The booking a "Manage this booking" link names: 403 for a link we did not sign, 410 for an expired one. */
  viewBookingByLink(token: string): Promise<Result<BookingLinkView>>;
  /** Cancels the booking a link names, as its student (the one cancel; My bookings' limits). `emailed`: the cancellation email was queued. */
  cancelBookingByLink(
    token: string,
    client?: ClientIp,
  ): Promise<Result<{ bookingId: string; status: "cancelled"; lateCancel: boolean; cutoffHours: number; emailed: boolean }>>;
  /** The times the booking a link names may move to: its tutor, the coming two weeks, the center's rules. */
  bookingLinkMoveOptions(token: string): Promise<Result<BookingLinkMoveOptions>>;
  /** Moves the booking a link names, as its student (the one move; the cancel's limits); a retry to the same time is done once. */
  moveBookingByLink(token: string, to: BookingLinkMoveBody, client?: ClientIp): Promise<Result<BookingLinkMoved>>;
  /** The owner's chats, or their trash with purge dates. */
  listChats(ownerId: string, trash: boolean): Promise<Result<ChatSummary[]>>;
  /** Soft delete: into the trash, and the chat's object closes its gate. */
  deleteChat(sessionId: string, ownerId: string, client?: ClientIp): Promise<Result<ChatSummary>>;
  /** Back from the trash within the tier's grace period; `gone` after it. */
  restoreChat(sessionId: string, ownerId: string, client?: ClientIp): Promise<Result<ChatSummary>>;

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
  staffInviteOptions(inviteToken: string, site: StaffSite, client?: ClientIp): Promise<Result<StaffInviteOptions>>;
  /** Verifies the browser's RegistrationResponseJSON, stores the passkey (and member), spends the invite, opens a session. */
  staffRegister(inviteToken: string, challengeId: string, response: unknown, site: StaffSite, client?: ClientIp): Promise<Result<StaffSignedIn>>;
  /** Sign-in options for discoverable passkeys (no allowCredentials). */
  staffSignInOptions(site: StaffSite, client?: ClientIp): Promise<Result<StaffSignInOptions>>;
  /** Verifies the browser's AuthenticationResponseJSON: a session, a generic 401, or a 429 per client IP. */
  staffSignIn(challengeId: string, response: unknown, site: StaffSite, client?: ClientIp): Promise<Result<StaffSignedIn>>;
  /** Who holds this session token (401 when unknown, expired, revoked or disabled). */
  staffSession(sessionToken: string): Promise<Result<StaffSessionInfo>>;
  /** Revokes the session; idempotent. */
  staffSignOut(sessionToken: string): Promise<Result<{ signedOut: true }>>;
  /** An admin's one-time invite link token (403 for other roles), valid 24 h. */
  staffInvite(sessionToken: string, invite: NewStaffInvite): Promise<Result<StaffInviteCreated>>;

  // Staff access (workers/staff/members.ts): admins only (403 otherwise); each change limited per admin (429).
  /** Every member: role, enabled or not, last sign-in, passkeys. */
  staffMembers(sessionToken: string): Promise<Result<StaffMemberList>>;
  /** Invites neither used, revoked nor expired. */
  staffPendingInvites(sessionToken: string): Promise<Result<StaffPendingInviteList>>;
  /** 404 unknown member, 409 `conflict:last_admin` when no enabled admin would remain, 400 for a tutor that does not exist. */
  staffChangeRole(sessionToken: string, memberId: string, change: StaffRoleChange): Promise<Result<StaffMemberEntry>>;
  /** Ends every session the member holds at once; 409 for the last enabled admin. */
  staffDisableMember(sessionToken: string, memberId: string): Promise<Result<StaffMemberEntry>>;
  staffEnableMember(sessionToken: string, memberId: string): Promise<Result<StaffMemberEntry>>;
  /** 404 when the passkey is not (or no longer) this member's; the sessions it opened end. */
  staffRemovePasskey(sessionToken: string, memberId: string, credentialId: string): Promise<Result<StaffMemberEntry>>;
  /** A one-time link that adds a passkey to an existing, enabled member (their role stays). */
  staffPasskeyLink(sessionToken: string, memberId: string): Promise<Result<StaffInviteCreated>>;
  /** 404 when the invite is not pending. */
  staffRevokeInvite(sessionToken: string, inviteId: string): Promise<Result<{ revoked: string }>>;
  /** The signed-in member's name on their replies in students' chats (`{ displayName }`, any role, their own; 400 when not plain text). */
  staffSetDisplayName(sessionToken: string, input: unknown): Promise<Result<{ member: StaffMember }>>;

  // The hand-off inbox, for a staff session (staff and admins).
  staffInbox(sessionToken: string): Promise<Result<StaffInboxList>>;
  staffClaim(sessionToken: string, messageId: string): Promise<Result<StaffClaimed>>;
  staffReply(sessionToken: string, input: { messageId: string; leaseId: string; reply: string }): Promise<QueueResult>;
  staffDeadLetters(sessionToken: string): Promise<QueueResult>;
  staffRequeue(sessionToken: string, messageId: string): Promise<QueueResult>;

  // Reply feedback: one vote per assistant reply, changeable; null clears it.
  /** The owner's 👍/👎 on an assistant reply of their chat (404 for a student's message or an unknown id). */
  rateReply(sessionId: string, ownerId: string, messageId: string, vote: ReplyVote | null, client?: ClientIp): Promise<Result<ReplyFeedback>>;

  // Student memory: the owner's own StudentMemory only; another owner's fact ids are 404.
  /** Every fact held about the owner, newest first. */
  memoryFacts(ownerId: string): Promise<Result<{ facts: StudentFact[] }>>;
  /** Deletes one fact (404 when not held). */
  memoryForget(ownerId: string, factId: string, client?: ClientIp): Promise<Result<{ facts: StudentFact[] }>>;
  /** Rewrites a name, email, preference or goal with the student's value (source "student edit"); 400 otherwise. */
  memoryCorrect(ownerId: string, factId: string, value: string, client?: ClientIp): Promise<Result<{ fact: StudentFact; facts: StudentFact[] }>>;
  /**
   * "Forget me": everything the owner id holds but the center's booking records is deleted, and the
   * id is refused from then on; answers what went and the browser's new owner id (upcoming sessions
   * moved to it). A retry within minutes answers the same new id.
   */
  forgetMe(ownerId: string, client?: ClientIp): Promise<Result<ForgetMeResult>>;

  // Student accounts (services/accounts.ts): a signed-in device acts as the account's owner id.
  /** Mails a sign-in link; one answer whether or not the address has an account (limited per address and network). */
  requestSignInLink(input: unknown, deviceOwnerId: string, client?: ClientIp): Promise<Result<{ message: string }>>;
  /** What a sign-in link would do, before its button spends it (410 for used, expired or unknown). */
  signInLinkInfo(token: string): Promise<Result<SignInLinkInfo>>;
  /** Spends the link and signs the device in, moving what `deviceOwnerId` held into the account. */
  redeemSignInLink(token: string, deviceOwnerId: string, device: string, client?: ClientIp): Promise<Result<SignedIn>>;
  /** Whether campus single sign-on is on at the center (the host's; default the first), and its button's words. */
  ssoConfig(center?: string): Promise<Result<SsoConfig>>;
  /** Starts a campus sign-in: redirect to `redirectUrl`, set `flowCookie` HttpOnly until `expiresAt` (404 when SSO is off, 502 provider down). */
  ssoStart(returnTo: string, center?: string): Promise<Result<SsoStarted>>;
  /** The provider's redirect back (the callback's full URL) and the flow cookie: signs the device in at its owner's center (401 for any refusal, 502 provider down). */
  ssoFinish(callbackUrl: string, flowCookie: string, deviceOwnerId: string, device: string, client?: ClientIp): Promise<Result<SsoFinished>>;
  /** The web worker's periodic check of an account cookie (401 once signed out). */
  checkAccountSession(sessionId: string): Promise<Result<{ ownerId: string; email: string }>>;
  /** The account page: the address and the devices signed in. */
  accountOverview(sessionId: string): Promise<Result<AccountView>>;
  /** Signs out this device, another of the account's (`device`), or every device. */
  signOutAccount(sessionId: string, input: { everywhere?: boolean; device?: string }): Promise<Result<{ signedOut: number }>>;
  /** Everything the owner holds, as one JSON document. */
  exportMyData(ownerId: string, client?: ClientIp): Promise<Result<Record<string, unknown>>>;

  // Booking emails: the stop link's page and its one click, and the local mailbox.
  /** The local mail sink's messages, newest first; 404 unless the sidecar runs with DEV_MAIL=1 (never in production). */
  devMailbox(): Promise<Result<SinkMessageList>>;
  /** The "stop these emails" link's page: the address its signed token names, and whether it is stopped (400 for a bad token). */
  mailStopInfo(token: string): Promise<Result<MailStopState>>;
  /** One click (RFC 8058): nothing more is emailed to the address the token names (400 for a bad token). */
  stopMail(token: string): Promise<Result<MailStopState>>;

  // Reminders: the student's opt-out, kept by owner, copied into each new booking.
  /** Whether the owner turned session reminders off. */
  reminderPreference(ownerId: string): Promise<Result<ReminderPreference>>;
  /** Reminders off or on for the owner's bookings made from now on (those already made keep theirs). */
  setReminderPreference(ownerId: string, preference: ReminderPreference, client?: ClientIp): Promise<Result<ReminderPreference>>;

  // Staff schedule (workers/staff/schedule.ts). Staff and admins: every tutor, and cancel; a tutor: their own sessions.
  /** Monday to Sunday of the week holding `from` (default this week at the center). */
  staffScheduleWeek(sessionToken: string, query: ScheduleWeekQuery): Promise<Result<ScheduleWeek>>;
  /** Cancels a confirmed booking for the center (404 otherwise); the student's chat is told, with the reason. */
  staffScheduleCancel(sessionToken: string, input: StaffCancel): Promise<Result<StaffCancelled>>;
  /** Attended or no-show, once the session has started (409 before, or on a cancelled booking). */
  staffScheduleAttendance(sessionToken: string, input: StaffAttendance): Promise<Result<{ bookingId: string; attendance: "attended" | "no_show" }>>;
  /** The session's note (≤ 500 characters; empty clears it). */
  staffScheduleNote(sessionToken: string, input: StaffNote): Promise<Result<{ bookingId: string; note: string | null }>>;

  // Center settings and policies (workers/staff/center-settings.ts). Reads: any staff member; changes: admins (403 otherwise).
  /** A center's booking rules and persona as students see them (public; an unknown center: not_found). */
  centerPolicy(center: string): Promise<Result<CenterPolicy>>;
  /** The policy, and whether this deployment has a model for the reader (`modelReaderAvailable`). */
  staffCenterSettings(sessionToken: string): Promise<Result<CenterSettingsView>>;
  /** Name, zone, policies, opening hours and the reader (CenterSettingsInput); answers the policy as saved. */
  staffUpdateCenterSettings(sessionToken: string, input: unknown): Promise<Result<CenterSettingsView>>;
  /** Closes the center on `{ date, reason }`. */
  staffAddClosedDate(sessionToken: string, input: unknown): Promise<Result<CenterSettingsView>>;
  staffRemoveClosedDate(sessionToken: string, date: string): Promise<Result<CenterSettingsView>>;

  // Campus sign-in (workers/staff/sso-settings.ts): admins only (403 otherwise); `secretPresent` is a boolean, never the secret.
  staffSsoSettings(sessionToken: string): Promise<Result<SsoSettingsView>>;
  /** Every provider field (SsoSettingsInput; empty clears); answers the settings as saved. */
  staffUpdateSsoSettings(sessionToken: string, input: unknown): Promise<Result<SsoSettingsView>>;
  /** Clears the issuer: SSO off at once. */
  staffTurnOffSso(sessionToken: string): Promise<Result<SsoSettingsView>>;

  // Tutors (workers/staff/tutors.ts): every member may list and view; staff and admins add, edit and retire.
  /** Every tutor, retired ones flagged, and whether this member may edit. */
  staffTutors(sessionToken: string): Promise<Result<StaffTutorList>>;
  /** One tutor (404 unknown); a retired tutor's future bookings to rebook (staff and admins only). */
  staffTutor(sessionToken: string, tutorId: string): Promise<Result<StaffTutorDetail>>;
  /** A new tutor (400 with field issues when invalid). */
  staffCreateTutor(sessionToken: string, input: TutorInputDraft): Promise<Result<StaffTutorDetail>>;
  /** Replaces name, bio, mode, subjects and weekly hours in one batch (404 unknown, 409 retired). */
  staffUpdateTutor(sessionToken: string, tutorId: string, input: TutorInputDraft): Promise<Result<StaffTutorDetail>>;
  /** Retires the tutor (idempotent) and lists their future bookings for rebooking. */
  staffRetireTutor(sessionToken: string, tutorId: string): Promise<Result<StaffTutorDetail>>;
  /** The center's subject aliases ("MATH 151" → Calculus I) and the subjects one may name (any staff role). */
  staffSubjectAliases(sessionToken: string): Promise<Result<SubjectAliasList>>;
  /** Adds an alias (400 invalid or not a taught subject, 409 when it already names a subject). */
  staffAddSubjectAlias(sessionToken: string, input: SubjectAliasInput): Promise<Result<SubjectAlias>>;
  /** Removes an alias by its key (404 unknown). */
  staffRemoveSubjectAlias(sessionToken: string, aliasKey: string): Promise<Result<{ removed: true }>>;

  // Analytics, for a staff session (staff and admins): `query` is an AnalyticsQuery (lib/analytics/events.ts).
  /** Counts per hour or per local day in the center's time zone; 400 for a bad range. */
  staffAnalytics(sessionToken: string, query: unknown): Promise<Result<AnalyticsSeries>>;

  // Notifications: the student's bell, by owner.
  /** The owner's notifications, newest first (at most 50 kept), and the unread count. */
  notifications(ownerId: string): Promise<Result<NotificationList>>;
  /** The unread count only (no storage written). */
  notificationCount(ownerId: string): Promise<Result<UnreadCount>>;
  /** `{ ids }` or `{ all: true }`; 404 when none of the ids is the owner's. */
  markNotificationsRead(ownerId: string, input: MarkRead, client?: ClientIp): Promise<Result<UnreadCount & { marked: number }>>;
  /** A one-use ticket for the bell's socket (GET /api/notifications/socket?ticket=…). */
  notificationSocketTicket(ownerId: string, client?: ClientIp): Promise<Result<SocketTicketResponse>>;
  /** Email on/off for confirmations and changes, and for each of the center's reminder times. */
  notificationPreferences(ownerId: string): Promise<Result<NotificationPreferences>>;
  /** Saves them; answers them as stored. */
  setNotificationPreferences(ownerId: string, input: NotificationPreferencesInput, client?: ClientIp): Promise<Result<NotificationPreferences>>;
}
