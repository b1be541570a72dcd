import type { ScheduleWeekQuery, StaffAttendance, StaffCancel, StaffNote } from "../../lib/staff/schedule";
import type { TutorInputDraft } from "../../lib/staff/tutor-schemas";
import { StaffInbox } from "../staff/inbox";
import { StaffSchedule } from "../staff/schedule";
import { CenterSettingsDesk } from "../staff/center-settings";
import { SsoSettingsDesk } from "../staff/sso-settings";
import { StaffTutors } from "../staff/tutors";
import { StaffSubjectAliases } from "../staff/subject-aliases";
import type { SubjectAliasInput } from "../../lib/staff/alias-schemas";
import { StaffAnalytics } from "../staff/analytics";
import { clock } from "../../lib/time";
import { StaffAccessRpc } from "./staff-access";

/** The staff desks: the hand-off inbox, analytics, the schedule, center settings and tutors (workers/staff/). */
export class StaffDesksRpc extends StaffAccessRpc {
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

  // Center settings and policies: workers/staff/center-settings.ts, lib/center/policy.ts.

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

  // Campus sign-in (workers/staff/sso-settings.ts): admins only; the secret's presence as a boolean, never the secret.

  async staffSsoSettings(sessionToken: string) {
    return this.guard(() => new SsoSettingsDesk(this.env).read(sessionToken));
  }

  async staffUpdateSsoSettings(sessionToken: string, input: unknown) {
    return this.guard(() => new SsoSettingsDesk(this.env).update(sessionToken, input));
  }

  /** Clears the issuer: SSO off at once. */
  async staffTurnOffSso(sessionToken: string) {
    return this.guard(() => new SsoSettingsDesk(this.env).turnOff(sessionToken));
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

  // Subject aliases (workers/staff/subject-aliases.ts): the center's names for its subjects, on the tutor editor.

  async staffSubjectAliases(sessionToken: string) {
    return this.guard(() => new StaffSubjectAliases(this.env).list(sessionToken));
  }

  async staffAddSubjectAlias(sessionToken: string, input: SubjectAliasInput) {
    return this.guard(() => new StaffSubjectAliases(this.env).add(sessionToken, input));
  }

  async staffRemoveSubjectAlias(sessionToken: string, aliasKey: string) {
    return this.guard(() => new StaffSubjectAliases(this.env).remove(sessionToken, aliasKey));
  }

}
