import { WorkerEntrypoint } from "cloudflare:workers";
import { fail, ok, toAppError, zodIssues, type Result } from "../lib/errors";
import { BookingId, type ChatState, DirectoryQuery, MessageIdParam, MessagePageQuery, NewUserMessage, OwnerId, ReplyVote, SessionId, SessionPatch } from "../lib/schemas";
import type { SidecarApi } from "../lib/sidecar-api";
import type { NewStaffInvite, StaffSite } from "../lib/staff/schemas";
import type { ScheduleWeekQuery, StaffAttendance, StaffCancel, StaffNote } from "../lib/staff/schedule";
import type { TutorInputDraft } from "../lib/staff/tutor-schemas";
import { NOTIFICATIONS_SOCKET_PATH, SOCKET_PATH } from "../lib/socket-protocol";
import { acceptUserMessage } from "../services/assistant-turn";
import { BotQueueApi } from "./bot-queue";
import { searchDirectory, teachesSubject } from "../services/db/catalog";
import { listBookings } from "../services/db/bookings";
import { listChats } from "../services/db/chats";
import { trashChat, untrashChat } from "../services/chat-trash";
import { purgeExpiredStaffTokens } from "../services/db/staff";
import { readDevMailbox } from "../services/mail";
import { remindersOff, setRemindersOff } from "../services/db/mail";
import { mailStopInfo, stopMail } from "../services/mail-stop";
import { ReminderPreference } from "../lib/mail/reminder-preference";
import { runHardDelete } from "../services/hard-delete";
import { handleInternal } from "./internal";
import { cancelMyBooking } from "../services/my-bookings";
import { openSocket } from "./socket-route";
import { StaffInbox } from "./staff/inbox";
import { StaffSchedule } from "./staff/schedule";
import { CenterSettingsDesk, publicCenterPolicy } from "./staff/center-settings";
import { StaffTutors } from "./staff/tutors";
import { StaffAnalytics } from "./staff/analytics";
import { recordAnalytics } from "../services/analytics";
import { MemoryPage } from "./memory-page";
import { mintTicket } from "../services/socket-ticket";
import { staffInviteOptions, staffRegister } from "./staff/registration";
import { checkStaffSession, setOwnDisplayName, signOutStaff } from "./staff/sessions";
import { StaffAccess } from "./staff/members";
import { staffSignIn, staffSignInOptions } from "./staff/sign-in";
import { NOTIFICATIONS_TICKET_SUBJECT, openNotificationSocket } from "./notification-socket";
import { NotificationPreferencesInput, type MarkRead } from "../lib/notifications/schemas";
import { readNotificationPreferences, saveNotificationPreferences } from "../services/db/notification-preferences";
import { clock, useClockOf } from "../lib/time";
import { refuseForgotten } from "../services/db/forget-me";
import { chatTrashTakes, ownerKey, takeLimits, usableIp, type Caller, type LimitTake } from "../services/limits";
import { chatSession, notificationsOf } from "../services/objects";

export { ChatSession } from "../durable-objects/chat-session";
export { MessageQueue } from "../durable-objects/message-queue";
export { SessionManager } from "../durable-objects/session-manager";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { Analytics } from "../durable-objects/analytics";
export { StudentMemory } from "../durable-objects/student-memory";
export { MailOutbox } from "../durable-objects/mail-outbox";
export { Waitlist } from "../durable-objects/waitlist";
export { Notifications } from "../durable-objects/notifications";

/**
 * The sidecar's front door: typed RPC for the web worker's SIDECAR binding.
 * Every argument is validated here again: the binding is a trust boundary too.
 */
export default class Sidecar extends WorkerEntrypoint<Env> implements SidecarApi {
  constructor(ctx: ExecutionContext, env: Env) {
    super(ctx, env);
    useClockOf(env);
  }

  /** The bot queue API (`/api/queue/*`), every call authorized with BOT_TOKEN. */
  private get bots() {
    return new BotQueueApi(this.env);
  }

  queuePending(token: string, limit: unknown) {
    return this.guard(() => this.bots.pending(token, limit));
  }

  queueClaim(token: string, input: unknown) {
    return this.guard(() => this.bots.claim(token, input));
  }

  queueClaimNext(token: string, input: unknown) {
    return this.guard(() => this.bots.claimNext(token, input));
  }

  queueComplete(token: string, input: unknown) {
    return this.guard(() => this.bots.complete(token, input));
  }

  queueSetPriority(token: string, input: unknown) {
    return this.guard(() => this.bots.setPriority(token, input));
  }

  queueConversation(token: string, query: unknown) {
    return this.guard(() => this.bots.conversation(token, query));
  }

  queueFeed(token: string, query: unknown) {
    return this.guard(() => this.bots.feed(token, query));
  }

  queueDeadLetters(token: string, limit: unknown) {
    return this.guard(() => this.bots.deadLetters(token, limit));
  }

  queueRequeue(token: string, messageId: unknown) {
    return this.guard(() => this.bots.requeue(token, messageId));
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  async getState(sessionId: string, ownerId: string) {
    return this.withSession(sessionId, ownerId, (stub, owner) => stub.getState(owner));
  }

  async listMessages(sessionId: string, ownerId: string, query: MessagePageQuery) {
    const parsed = MessagePageQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Invalid paging parameters.", zodIssues(parsed.error));
    return this.withSession(sessionId, ownerId, (stub, owner) => stub.listMessages(owner, parsed.data));
  }

  async sendMessage(sessionId: string, ownerId: string, message: NewUserMessage, client?: Caller) {
    const parsed = NewUserMessage.safeParse(message);
    if (!parsed.success) return fail("bad_request:body", "Invalid message.", zodIssues(parsed.error));
    const address = usableIp(client);
    return this.withSession(sessionId, ownerId, (_stub, owner, id) =>
      acceptUserMessage({ env: this.env, sessionId: id, ownerId: owner, message: parsed.data, now: clock.date(), client: address ? { address } : {}, waitUntil: this.waitUntil }),
    );
  }

  /**
   * A one-use, 60-second ticket for this chat's socket. The web worker calls it
   * after verifying the owner cookie; the chat's object checks ownership when
   * the socket arrives, so minting costs no Durable Object call.
   */
  async issueSocketTicket(sessionId: string, ownerId: string, client?: Caller) {
    const id = SessionId.safeParse(sessionId);
    const owner = OwnerId.safeParse(ownerId);
    if (!id.success || !owner.success) return fail("not_found:session", "No chat session with that id belongs to you.");
    return this.limited([["socketTicketsPerOwner", owner.data], ["writesPerIp", usableIp(client)]], async (now) =>
      ok(await mintTicket(this.env.INTERNAL_KEY, { sessionId: id.data, ownerId: owner.data, now })),
    );
  }

  /** The chat's own bucket limits PATCHes per chat; the address's is taken here first. */
  async patchState(sessionId: string, ownerId: string, patch: SessionPatch, client?: Caller) {
    const parsed = SessionPatch.safeParse(patch);
    if (!parsed.success) return fail("bad_request:body", "Invalid session fields.", zodIssues(parsed.error));
    return this.limited([["writesPerIp", usableIp(client)]], (now) =>
      this.withSession(sessionId, ownerId, async (stub, owner): Promise<Result<ChatState>> => {
        // A search's subject may name a booking's emails: only a subject some tutor teaches (D1, which the object's patch cannot await).
        const skill = parsed.data.searchCriteria?.skill;
        if (skill !== undefined && !(await teachesSubject(this.env.DB, { skill }))) {
          return fail("bad_request:body", "Unknown subject.", [{ path: "searchCriteria.skill", message: "Not a subject any tutor teaches: the assistant sets it from the catalog." }]);
        }
        return stub.patch(owner, parsed.data, now);
      }),
    );
  }

  async listTutors(query: string) {
    const parsed = DirectoryQuery.safeParse({ q: query });
    if (!parsed.success) return fail("bad_request:query", "Invalid search.", zodIssues(parsed.error));
    return this.guard(async () => ok(await searchDirectory(this.env.DB, parsed.data.q)));
  }

  async listBookings(ownerId: string) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return ok([]);
    return this.guard(async () => ok(await listBookings(this.env.DB, { ownerId: owner.data })));
  }

  /**
   * Cancels one of the owner's confirmed bookings, from whichever chat it was
   * made in; that chat says so (live) if its booking form shows it.
   */
  async cancelBooking(ownerId: string, bookingId: string, client?: Caller) {
    const owner = OwnerId.safeParse(ownerId);
    const id = BookingId.safeParse(bookingId);
    if (!owner.success || !id.success) return fail("not_found:booking", "You have no confirmed booking with that id.");
    return this.limited([["bookingChangesPerOwner", owner.data], ["bookingChangesPerIp", usableIp(client)]], (now) =>
      cancelMyBooking(this.env, { ownerId: owner.data, bookingId: id.data, now }, this.waitUntil),
    );
  }

  async listChats(ownerId: string, trash: boolean) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return ok([]);
    return this.guard(async () => ok(await listChats(this.env.DB, { ownerId: owner.data, trash: trash === true })));
  }

  async deleteChat(sessionId: string, ownerId: string, client?: Caller) {
    return this.limited(chatTrashTakes(ownerId, client), (now) => this.withSession(sessionId, ownerId, (stub, owner, id) => trashChat(this.env.DB, stub, { id, ownerId: owner, now })));
  }

  async restoreChat(sessionId: string, ownerId: string, client?: Caller) {
    return this.limited(chatTrashTakes(ownerId, client), (now) => this.withSession(sessionId, ownerId, (stub, owner, id) => untrashChat(this.env.DB, stub, { id, ownerId: owner, now })));
  }

  // Staff sign-in (workers/staff/): each validates its arguments with lib/staff/schemas.ts.

  /** Each call writes a challenge row: limited per address like sign-in options. */
  async staffInviteOptions(inviteToken: string, site: StaffSite, client?: Caller) {
    return this.limited([["staffChallengesPerIp", usableIp(client)]], (now) => staffInviteOptions({ db: this.env.DB, inviteToken, site, now }));
  }

  /** A registration attempt spends a challenge: limited per address like sign-ins. */
  async staffRegister(inviteToken: string, challengeId: string, response: unknown, site: StaffSite, client?: Caller) {
    return this.limited([["staffSignInsPerIp", usableIp(client)]], (now) => staffRegister({ db: this.env.DB, inviteToken, challengeId, response, site, now }));
  }

  async staffSignInOptions(site: StaffSite, client?: Caller) {
    return this.guard(() => staffSignInOptions({ db: this.env.DB, limiters: this.env.RATE_LIMITER, site, ip: usableIp(client), now: clock.now() }));
  }

  async staffSignIn(challengeId: string, response: unknown, site: StaffSite, client?: Caller) {
    return this.guard(() =>
      staffSignIn({ db: this.env.DB, limiters: this.env.RATE_LIMITER, challengeId, response, site, ip: usableIp(client), now: clock.now() }),
    );
  }

  async staffSession(sessionToken: string) {
    return this.guard(() => checkStaffSession({ db: this.env.DB, sessionToken, now: clock.now() }));
  }

  async staffSignOut(sessionToken: string) {
    return this.guard(() => signOutStaff({ db: this.env.DB, sessionToken, now: clock.now() }));
  }

  /** An admin invites a colleague (409 for an existing member's address; replaces a link still open for it). */
  async staffInvite(sessionToken: string, invite: NewStaffInvite) {
    return this.guard(() => new StaffAccess(this.env).invite(sessionToken, invite));
  }

  // Staff access (workers/staff/members.ts): admins only, each change limited per admin.

  /** Every member with role, state, last sign-in and passkeys. */
  async staffMembers(sessionToken: string) {
    return this.guard(() => new StaffAccess(this.env).members(sessionToken));
  }

  /** Invites not used, revoked or expired. */
  async staffPendingInvites(sessionToken: string) {
    return this.guard(() => new StaffAccess(this.env).pendingInvites(sessionToken));
  }

  /** A member's new role, from their next request; never leaves the center without an enabled admin (409). */
  async staffChangeRole(sessionToken: string, memberId: string, change: unknown) {
    return this.guard(() => new StaffAccess(this.env).changeRole(sessionToken, memberId, change));
  }

  /** Disables a member and ends every session they hold at once. */
  async staffDisableMember(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).disable(sessionToken, memberId));
  }

  async staffEnableMember(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).enable(sessionToken, memberId));
  }

  /** Removes one of a member's passkeys and ends the sessions it opened. */
  async staffRemovePasskey(sessionToken: string, memberId: string, credentialId: string) {
    return this.guard(() => new StaffAccess(this.env).removePasskey(sessionToken, memberId, credentialId));
  }

  /** A one-time link that adds a passkey to an existing member, role unchanged. */
  async staffPasskeyLink(sessionToken: string, memberId: string) {
    return this.guard(() => new StaffAccess(this.env).passkeyLink(sessionToken, memberId));
  }

  /** Revokes a pending invite: its link stops working at once. */
  async staffRevokeInvite(sessionToken: string, inviteId: string) {
    return this.guard(() => new StaffAccess(this.env).revokeInvite(sessionToken, inviteId));
  }

  /** The name the signed-in member's replies carry in students' chats (any role, their own). */
  async staffSetDisplayName(sessionToken: string, input: unknown) {
    return this.guard(() => setOwnDisplayName({ db: this.env.DB, limiters: this.env, sessionToken, input, now: clock.now() }));
  }

  /** The hand-off inbox (staff and admins): waiting messages, from the queue's memory. */
  async staffInbox(sessionToken: string) {
    return this.guard(() => new StaffInbox(this.env).list(sessionToken));
  }

  /** A staff member takes a message: the student sees someone is on it; the note and transcript come back. */
  async staffClaim(sessionToken: string, messageId: string) {
    return this.guard(() => new StaffInbox(this.env).claim(sessionToken, messageId));
  }

  /** Messages nobody could answer, for staff to requeue. */
  async staffDeadLetters(sessionToken: string) {
    return this.guard(() => new StaffInbox(this.env).deadLetters(sessionToken));
  }

  async staffRequeue(sessionToken: string, messageId: string) {
    return this.guard(() => new StaffInbox(this.env).requeue(sessionToken, messageId));
  }

  /** A staff member's answer, stored once and appended to the student's chat. */
  async staffReply(sessionToken: string, input: { messageId: string; leaseId: string; reply: string }) {
    return this.guard(() => new StaffInbox(this.env, this.waitUntil).reply(sessionToken, input));
  }

  // Reply feedback (issue 9, slice `feedback`): the student's 👍/👎 on an assistant reply, kept by the chat's object.

  /** Sets, changes or (null) clears the owner's vote on one assistant reply; 404 for any other message. Counts a vote set or changed. */
  async rateReply(sessionId: string, ownerId: string, messageId: string, vote: ReplyVote | null, client?: Caller) {
    const id = MessageIdParam.safeParse(messageId);
    if (!id.success) return fail("not_found:message", "This chat has no assistant reply with that id.");
    const parsed = ReplyVote.nullable().safeParse(vote);
    if (!parsed.success) return fail("bad_request:body", "A vote is \"up\", \"down\" or null.", zodIssues(parsed.error));
    return this.limited([["writesPerIp", usableIp(client)]], (now) => this.withSession(sessionId, ownerId, async (stub, owner) => {
      const rated = await stub.rateReply(owner, id.data, parsed.data, now);
      if (!rated.ok) return rated;
      recordAnalytics(this.env, rated.value.events, this.waitUntil, now);
      return ok({ messageId: rated.value.messageId, vote: rated.value.vote, kind: rated.value.kind });
    }));
  }

  // Student memory (slice memory2): the student's memory page (workers/memory-page.ts), own memory only.

  /** What the assistant remembers about the owner, newest first. */
  async memoryFacts(ownerId: string) {
    return this.guard(() => new MemoryPage(this.env).facts(ownerId));
  }

  /** Deletes one fact; 404 when the owner's memory holds no such fact. */
  async memoryForget(ownerId: string, factId: string, client?: Caller) {
    return this.limited([["memoryEditsPerOwner", ownerKey(ownerId)], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).forget(ownerId, factId));
  }

  /** The student's own value for a name, email, preference or goal (400 for another kind or a bad value). */
  async memoryCorrect(ownerId: string, factId: string, value: string, client?: Caller) {
    return this.limited([["memoryEditsPerOwner", ownerKey(ownerId)], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).correct(ownerId, factId, value));
  }

  /** "Forget me" (services/forget-me.ts): all the owner id holds but the center's booking records; says what went and the browser's new id. */
  async forgetMe(ownerId: string, client?: Caller) {
    return this.limited([["forgetMePerOwner", ownerKey(ownerId)], ["writesPerIp", usableIp(client)]], () => new MemoryPage(this.env).forgetMe(ownerId));
  }

  // Booking emails (slice `mail`): durable-objects/mail-outbox.ts sends them; this reads the local sink.

  /** What the local mail sink holds, for /dev/mail. 404 unless DEV_MAIL is "1" (only the local stack sets it). */
  async devMailbox() {
    return this.guard(() => readDevMailbox(this.env));
  }

  /** The "stop these emails" link's page: the address its token names, stopped or not (services/mail-stop.ts). */
  async mailStopInfo(token: string) {
    return this.guard(() => mailStopInfo(this.env, token));
  }

  /** One click: every email to the address the token names stops (the suppression list the MailOutbox honours). */
  async stopMail(token: string) {
    return this.guard(() => stopMail(this.env, token, clock.now()));
  }

  // Reminders (issue 11, slice `reminders`): the student's opt-out, kept by owner, copied into each new booking.

  /** Whether the owner turned session reminders off (on unless they did). */
  async reminderPreference(ownerId: string) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.guard(async () => ok({ remindersOff: await remindersOff(this.env.DB, { ownerId: owner.data }) }));
  }

  /** Turns reminders off or on for bookings the owner makes from now on. */
  async setReminderPreference(ownerId: string, preference: ReminderPreference, client?: Caller) {
    const owner = OwnerId.safeParse(ownerId);
    const parsed = ReminderPreference.safeParse(preference);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    if (!parsed.success) return fail("bad_request:body", "Invalid reminder preference.", zodIssues(parsed.error));
    return this.limited([["preferencesPerOwner", owner.data], ["writesPerIp", usableIp(client)]], async () => {
      const refused = await refuseForgotten(this.env.DB, { ownerId: owner.data });
      if (refused) return refused;
      await setRemindersOff(this.env.DB, { ownerId: owner.data, off: parsed.data.remindersOff });
      return ok(parsed.data);
    });
  }

  // Analytics (workers/staff/analytics.ts, durable-objects/analytics.ts).

  /** Counts per hour or per local day for a range (staff and admins; tutors 403). */
  async staffAnalytics(sessionToken: string, query: unknown) {
    return this.guard(() => new StaffAnalytics(this.env).series(sessionToken, query));
  }

  // Staff schedule (workers/staff/schedule.ts): the week by day and tutor; cancel, attendance, notes.

  /** The week's bookings (staff and admins: every tutor or one; a tutor: their own). */
  async staffScheduleWeek(sessionToken: string, query: ScheduleWeekQuery) {
    return this.guard(() => new StaffSchedule(this.env, clock.now, this.waitUntil).week(sessionToken, query));
  }

  /** The center cancels a session (staff and admins): the student's chat says so, with the reason. */
  async staffScheduleCancel(sessionToken: string, input: StaffCancel) {
    return this.guard(() => new StaffSchedule(this.env, clock.now, this.waitUntil).cancel(sessionToken, input));
  }

  /** Attended or no-show, once the session has started. */
  async staffScheduleAttendance(sessionToken: string, input: StaffAttendance) {
    return this.guard(() => new StaffSchedule(this.env, clock.now, this.waitUntil).markAttendance(sessionToken, input));
  }

  /** The session's short note. */
  async staffScheduleNote(sessionToken: string, input: StaffNote) {
    return this.guard(() => new StaffSchedule(this.env, clock.now, this.waitUntil).note(sessionToken, input));
  }

  // Center settings and policies (slice `policies`): workers/staff/center-settings.ts, lib/center/policy.ts.

  /** The booking rules students decide by (no session: they are public). */
  async centerPolicy() {
    return this.guard(() => publicCenterPolicy(this.env));
  }

  /** The center's settings, policies, hours and closed dates (any staff member). */
  async staffCenterSettings(sessionToken: string) {
    return this.guard(() => new CenterSettingsDesk(this.env).read(sessionToken));
  }

  /** An admin saves name, zone, policies and opening hours (validated again here). */
  async staffUpdateCenterSettings(sessionToken: string, input: unknown) {
    return this.guard(() => new CenterSettingsDesk(this.env).update(sessionToken, input));
  }

  async staffAddClosedDate(sessionToken: string, input: unknown) {
    return this.guard(() => new CenterSettingsDesk(this.env).addClosedDate(sessionToken, input));
  }

  async staffRemoveClosedDate(sessionToken: string, date: string) {
    return this.guard(() => new CenterSettingsDesk(this.env).removeClosedDate(sessionToken, date));
  }

  // Tutors (workers/staff/tutors.ts): add, edit, retire; each method checks the session and role, then validates.

  async staffTutors(sessionToken: string) {
    return this.guard(() => new StaffTutors(this.env).list(sessionToken));
  }

  async staffTutor(sessionToken: string, tutorId: string) {
    return this.guard(() => new StaffTutors(this.env).get(sessionToken, tutorId));
  }

  async staffCreateTutor(sessionToken: string, input: TutorInputDraft) {
    return this.guard(() => new StaffTutors(this.env).create(sessionToken, input));
  }

  async staffUpdateTutor(sessionToken: string, tutorId: string, input: TutorInputDraft) {
    return this.guard(() => new StaffTutors(this.env).update(sessionToken, tutorId, input));
  }

  /** Retires a tutor; their future bookings come back for rebooking, still booked. */
  async staffRetireTutor(sessionToken: string, tutorId: string) {
    return this.guard(() => new StaffTutors(this.env).retire(sessionToken, tutorId));
  }

  // Notifications (issue 11, slice `bell`): the student's bell, one Notifications object per owner.

  /** The owner's notifications, newest first, and how many are unread (0 rows once the object is awake). */
  async notifications(ownerId: string) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.guard(() => notificationsOf(this.env, owner.data).list(owner.data));
  }

  /** The bell's unread count: reading it writes nothing. */
  async notificationCount(ownerId: string) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.guard(() => notificationsOf(this.env, owner.data).unreadCount(owner.data));
  }

  /** Marks some of the owner's notifications (by id) or all of them read; 404 when none of the ids is theirs. */
  async markNotificationsRead(ownerId: string, input: MarkRead, client?: Caller) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.limited([["notificationReadsPerOwner", owner.data], ["writesPerIp", usableIp(client)]], () => notificationsOf(this.env, owner.data).markRead(owner.data, input));
  }

  /** A one-use, 60-second ticket for the owner's bell socket (signed apart from chat tickets: neither opens the other). */
  async notificationSocketTicket(ownerId: string, client?: Caller) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.limited([["socketTicketsPerOwner", owner.data], ["writesPerIp", usableIp(client)]], async (now) =>
      ok(await mintTicket(this.env.INTERNAL_KEY, { sessionId: NOTIFICATIONS_TICKET_SUBJECT, ownerId: owner.data, now }, "notifications")),
    );
  }

  /** The owner's email choices against the center's reminder times. */
  async notificationPreferences(ownerId: string) {
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    return this.guard(async () => ok(await readNotificationPreferences(this.env.DB, { ownerId: owner.data })));
  }

  /**
   * Saves them (one D1 row). Confirmation and cancellation emails follow the choice from the next
   * one queued; reminders, for sessions booked from now on (each booking's are queued when it is made).
   */
  async setNotificationPreferences(ownerId: string, input: NotificationPreferencesInput, client?: Caller) {
    const owner = OwnerId.safeParse(ownerId);
    const parsed = NotificationPreferencesInput.safeParse(input);
    if (!owner.success) return fail("bad_request:params", "Invalid owner.");
    if (!parsed.success) return fail("bad_request:body", "Invalid notification preferences.", zodIssues(parsed.error));
    return this.limited([["preferencesPerOwner", owner.data], ["writesPerIp", usableIp(client)]], async () => {
      // A forgotten owner id gets no profile again (one read by key; saving is rare).
      const refused = await refuseForgotten(this.env.DB, { ownerId: owner.data });
      if (refused) return refused;
      await saveNotificationPreferences(this.env.DB, { ownerId: owner.data, preferences: parsed.data });
      return ok(await readNotificationPreferences(this.env.DB, { ownerId: owner.data }));
    });
  }

  /** Plain HTTP is not an API here: a health check, chat sockets (by ticket), and the key-guarded internal endpoints. */
  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return Response.json({ ok: true });
    const socket = SOCKET_PATH.exec(pathname);
    if (socket) return openSocket(request, this.env, socket[1]!);
    if (pathname === NOTIFICATIONS_SOCKET_PATH) return openNotificationSocket(request, this.env);
    if (pathname.startsWith("/internal/")) return handleInternal(request, this.env);
    return Response.json({ error: { code: "not_found", message: "The sidecar speaks RPC." } }, { status: 404 });
  }

  /** Weekly cron (`0 0 * * 0`): hard delete of chats past their tier's grace period, and old staff tokens. */
  override async scheduled(controller: ScheduledController): Promise<void> {
    const now = clock.fromPlatform(controller.scheduledTime);
    // Independent: a failed token sweep must not stop the chats' hard delete, nor the reverse.
    const [chats, tokens] = await Promise.allSettled([runHardDelete(this.env, now), purgeExpiredStaffTokens(this.env.DB, { now })]);
    if (tokens.status === "fulfilled") console.log(`[staff-purge] sessions=${tokens.value.sessions} invites=${tokens.value.invites} challenges=${tokens.value.challenges}`);
    else console.error("[staff-purge] failed", tokens.reason);
    if (chats.status === "rejected") throw chats.reason;
  }

  /** Work that may finish after the answer (analytics), kept alive by the runtime. */
  private readonly waitUntil = (promise: Promise<unknown>) => this.ctx.waitUntil(promise);

  private async withSession<T>(
    sessionId: string,
    ownerId: string,
    work: (stub: DurableObjectStub<import("../durable-objects/chat-session").ChatSession>, owner: string, id: string) => Promise<Result<T>> | Result<T>,
  ): Promise<Result<T>> {
    const id = SessionId.safeParse(sessionId);
    if (!id.success) return fail("not_found:session", "No chat session with that id belongs to you.");
    const owner = OwnerId.safeParse(ownerId);
    if (!owner.success) return fail("not_found:session", "No chat session with that id belongs to you.");
    const stub = chatSession(this.env, id.data);
    return this.guard(() => work(stub, owner.data, id.data));
  }

  /**
   * A write behind its limits (lib/rate-limits.ts): one RateLimiter call per keyed take, in
   * parallel, then `work`, or the 429 result of the first take that refused.
   */
  private limited<T>(takes: readonly LimitTake[], work: (now: number) => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    return this.guard(async () => {
      const now = clock.now();
      return (await takeLimits(this.env, takes, now)) ?? work(now);
    });
  }

  /** Unexpected failures leave as a logged, generic `internal` result, never as a stack trace. */
  private async guard<T>(work: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    try {
      return await work();
    } catch (error) {
      const appError = toAppError(error, "sidecar");
      return fail(appError.code, appError.message);
    }
  }
}
