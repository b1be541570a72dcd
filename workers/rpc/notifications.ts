import { fail, ok, zodIssues } from "../../lib/errors";
import { ReminderPreference } from "../../lib/mail/reminder-preference";
import { NotificationPreferencesInput, type MarkRead } from "../../lib/notifications/schemas";
import { clock } from "../../lib/time";
import { refuseForgotten } from "../../services/db/forget-me";
import { readNotificationPreferences, saveNotificationPreferences } from "../../services/db/notification-preferences";
import { usableIp, type Caller } from "../../services/limits";
import { readDevMailbox } from "../../services/mail";
import { mailStopInfo, stopMail } from "../../services/mail-stop";
import { notificationsOf } from "../../services/objects";
import { mintTicket } from "../../services/socket-ticket";
import { NOTIFICATIONS_TICKET_SUBJECT } from "../notification-socket";
import { MemoryRpc } from "./memory";

/** The bell, the student's email choices, the stop link, and the local mail sink. */
export class NotificationsRpc extends MemoryRpc {
  /** The owner's notifications, newest first, and how many are unread (0 rows once the object is awake). */
  async notifications(ownerId: string) {
    return this.withOwner(ownerId, (owner) => notificationsOf(this.env, owner).list(owner));
  }

  /** The bell's unread count: reading it writes nothing. */
  async notificationCount(ownerId: string) {
    return this.withOwner(ownerId, (owner) => notificationsOf(this.env, owner).unreadCount(owner));
  }

  /** Marks some of the owner's notifications (by id) or all of them read; 404 when none of the ids is theirs. */
  async markNotificationsRead(ownerId: string, input: MarkRead, client?: Caller) {
    return this.withOwner(ownerId, (owner) =>
      this.limited([["notificationReadsPerOwner", owner], ["writesPerIp", usableIp(client)]], () => notificationsOf(this.env, owner).markRead(owner, input)),
    );
  }

  /** A one-use, 60-second ticket for the owner's bell socket (signed apart from chat tickets: neither opens the other). */
  async notificationSocketTicket(ownerId: string, client?: Caller) {
    return this.withOwner(ownerId, (owner) =>
      this.limited([["socketTicketsPerOwner", owner], ["writesPerIp", usableIp(client)]], async (now) =>
        ok(await mintTicket(this.env.INTERNAL_KEY, { sessionId: NOTIFICATIONS_TICKET_SUBJECT, ownerId: owner, now }, "notifications")),
      ),
    );
  }

  /** The owner's email choices against the center's reminder times. */
  async notificationPreferences(ownerId: string) {
    return this.withOwner(ownerId, async (owner) => ok(await readNotificationPreferences(this.env.DB, { ownerId: owner })));
  }

  /**
   * Saves them (one D1 row). Confirmation and cancellation emails follow the choice from the next
   * one queued; reminders, for sessions booked from now on (each booking's are queued when it is made).
   */
  async setNotificationPreferences(ownerId: string, input: NotificationPreferencesInput, client?: Caller) {
    return this.withOwner(ownerId, (owner) => {
      const parsed = NotificationPreferencesInput.safeParse(input);
      if (!parsed.success) return fail("bad_request:body", "Invalid notification preferences.", zodIssues(parsed.error));
      return this.limited([["preferencesPerOwner", owner], ["writesPerIp", usableIp(client)]], async () => {
        // A forgotten owner id gets no profile again (one read by key; saving is rare).
        const refused = await refuseForgotten(this.env.DB, { ownerId: owner });
        if (refused) return refused;
        await saveNotificationPreferences(this.env.DB, { ownerId: owner, preferences: parsed.data });
        return ok(await readNotificationPreferences(this.env.DB, { ownerId: owner }));
      });
    });
  }

  /** The older reminders-only view of the same choices (`/api/bookings/reminders`): whether reminders are off. */
  async reminderPreference(ownerId: string) {
    return this.withOwner(ownerId, async (owner) => ok({ remindersOff: !(await readNotificationPreferences(this.env.DB, { ownerId: owner })).reminders }));
  }

  /** Turns reminders off or on through the one writer of the choices, keeping the others as they are. */
  async setReminderPreference(ownerId: string, preference: ReminderPreference, client?: Caller) {
    return this.withOwner(ownerId, (owner) => {
      const parsed = ReminderPreference.safeParse(preference);
      if (!parsed.success) return fail("bad_request:body", "Invalid reminder preference.", zodIssues(parsed.error));
      return this.limited([["preferencesPerOwner", owner], ["writesPerIp", usableIp(client)]], async () => {
        const refused = await refuseForgotten(this.env.DB, { ownerId: owner });
        if (refused) return refused;
        const current = await readNotificationPreferences(this.env.DB, { ownerId: owner });
        const reminderHoursOff = current.reminderHours.filter((entry) => !entry.on).map((entry) => entry.hours);
        await saveNotificationPreferences(this.env.DB, { ownerId: owner, preferences: { changeEmails: current.changeEmails, reminders: !parsed.data.remindersOff, reminderHoursOff } });
        return ok(parsed.data);
      });
    });
  }

  /** The "stop these emails" link's page: the address its token names, stopped or not (services/mail-stop.ts). */
  async mailStopInfo(token: string) {
    return this.guard(() => mailStopInfo(this.env, token));
  }

  /** One click: every email to the address the token names stops (the suppression list the MailOutbox honours). */
  async stopMail(token: string) {
    return this.guard(() => stopMail(this.env, token, clock.now()));
  }

  /** What the local mail sink holds, for /dev/mail. 404 unless DEV_MAIL is "1" (only the local stack sets it). */
  async devMailbox() {
    return this.guard(() => readDevMailbox(this.env));
  }
}
