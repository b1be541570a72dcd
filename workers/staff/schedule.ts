import { centerOfOwner } from "../../lib/center/ids";
import { clock } from "../../lib/time";
import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { ScheduleWeekQuery, StaffAttendance, StaffCancel, StaffNote, type ScheduleWeek, type StaffCancelled } from "../../lib/staff/schedule";
import type { StaffSessionInfo } from "../../lib/staff/schemas";
import { addDays, DEFAULT_TIME_ZONE, localNow, toClock, weekdayIndex, weekdayOf, zonedToEpoch } from "../../lib/calendar";
import { settleBooking } from "../../services/memory";
import { recordAnalytics, type WaitUntil } from "../../services/analytics";
import { centerTimeZone, listScheduleWeek, markAttendance, scheduleDateOf, setTutorNote, whyScheduleRefused } from "../../services/db/schedule";
import { studentEmailed, studentWithheld } from "../../services/mail";
import { cancelBooking } from "../../services/bookings";
import { startedCancelText } from "../../lib/center/policy";
import { checkStaffSession, limitStaffChange } from "./sessions";
import { readCenterPolicy } from "../../services/db/center";
import { workingWeekAt } from "../../lib/center/policy";

type ScheduleEnv = Pick<Env, "DB" | "CHAT_SESSION" | "SESSION_MANAGER" | "ANALYTICS" | "STUDENT_MEMORY" | "MAIL_OUTBOX" | "MAIL_API_URL" | "MAIL_API_TOKEN" | "SITE_URL" | "WAITLIST" | "NOTIFICATIONS" | "INTERNAL_KEY" | "MAIL_FROM"> & Partial<Pick<Env, "RATE_LIMITER">>;

/** Who may act, in which center (the member's), and on which tutor's sessions: null for staff and admins (all the center's), the linked tutor for a tutor. */
type Viewer = { session: StaffSessionInfo; center: string; tutorId: string | null };

const NO_BOOKING = "No booking with that id on your schedule.";

/**
 * The staff schedule: the week's bookings by day and tutor, and what staff do
 * with a session (cancel it, mark attendance, note it), in the member's center
 * only (a booking's center is its tutor's; another center's booking is not
 * found). Staff and admins see every tutor of the center; a tutor-role member sees and changes only their own tutor's
 * sessions (staff_members.tutor_id) and cancels nothing.
 */
export class StaffSchedule {
  constructor(
    private readonly env: ScheduleEnv,
    private readonly now: () => number = clock.now,
    /** Keeps the analytics call alive past the answer (the entrypoint's waitUntil). */
    private readonly waitUntil?: WaitUntil,
  ) {}

  /** The signed-in member and the tutor they are limited to; a tutor not linked to one is refused. A `change` counts against the member's limit. */
  private async viewer(sessionToken: unknown, change = false): Promise<Result<Viewer>> {
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now: this.now() });
    if (!session.ok) return session;
    const tooFast = change ? await limitStaffChange(this.env, session.value, this.now()) : null;
    if (tooFast) return tooFast;
    const { member } = session.value;
    const center = member.centerId;
    if (member.role !== "tutor") return ok({ session: session.value, center, tutorId: null });
    if (!member.tutorId) return fail("forbidden:staff", "Your account is not linked to a tutor yet: ask an admin.");
    return ok({ session: session.value, center, tutorId: member.tutorId });
  }

  private async timeZone(center: string): Promise<string> {
    return (await centerTimeZone(this.env.DB, { center })) ?? DEFAULT_TIME_ZONE;
  }

  /** Monday to Sunday of the week holding `from` (default: today at the center), all tutors or one. */
  async week(sessionToken: unknown, input: unknown): Promise<Result<ScheduleWeek>> {
    const viewer = await this.viewer(sessionToken);
    if (!viewer.ok) return viewer;
    const query = ScheduleWeekQuery.safeParse(input ?? {});
    if (!query.success) return fail("bad_request:query", "Invalid week (from=YYYY-MM-DD, tutor=t-001) or booking number (K7MQ-2XPD).", zodIssues(query.error));
    const { tutorId: scope, center } = viewer.value;
    if (scope && query.data.tutorId && query.data.tutorId !== scope) return fail("forbidden:staff", "A tutor sees only their own schedule.");
    const tutorId = scope ?? query.data.tutorId ?? null;
    const now = this.now();
    // A booking number asked for: the week of that booking (on this viewer's schedule), showing only it.
    const { reference } = query.data;
    const found = reference ? await scheduleDateOf(this.env.DB, { center, reference, tutorId }) : null;
    if (reference && !found) return fail("not_found:booking", `No booking ${reference} on your schedule.`);
    // The week asked for needs only the zone; the default week needs the opening hours too (workingWeekAt).
    const policy = query.data.from || found ? null : await readCenterPolicy(this.env.DB, { center });
    const timeZone = policy?.timeZone ?? (await this.timeZone(center));
    const today = localNow(new Date(now), timeZone).date;
    const from = policy ? workingWeekAt(policy, new Date(now)).monday : mondayOf(found ?? query.data.from!);
    const to = addDays(from, 6);
    const { bookings, tutors } = await listScheduleWeek(this.env.DB, { center, from, to, today, tutorId, reference });
    return ok({
      from,
      to,
      today,
      timeZone,
      tutorId,
      tutors,
      ...(reference ? { reference } : {}),
      bookings: bookings.map((booking) => ({ ...booking, started: zonedToEpoch(booking.date, booking.start, timeZone) <= now })),
      canCancel: viewer.value.session.member.role !== "tutor",
    });
  }

  /**
   * The center cancels a confirmed booking (staff and admins) that has not started (one that has
   * is refused: staff mark attendance instead): the row says
   * who and why, the SessionManager's alarm is dropped (no room to close),
   * and the student's chat says so, live. `studentTold` is false when the
   * chat could not take it (in the trash, or out of reach): the cancel stands.
   */
  async cancel(sessionToken: unknown, input: unknown): Promise<Result<StaffCancelled>> {
    const viewer = await this.viewer(sessionToken, true);
    if (!viewer.ok) return viewer;
    if (viewer.value.session.member.role === "tutor") return fail("forbidden:staff", "Only staff and admins cancel sessions.");
    const parsed = StaffCancel.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Name the booking and say why it is cancelled.", zodIssues(parsed.error));
    const { bookingId, reason } = parsed.data;
    const cancelled = await cancelBooking(this.env, { bookingId, who: { by: "center", center: viewer.value.center, reason }, now: this.now(), tellChat: true, waitUntil: this.waitUntil });
    if (!cancelled.ok && cancelled.reason === "started") return fail("already_started:booking", startedCancelText(cancelled.slot, "staff"));
    if (!cancelled.ok) return fail("not_found:booking", "No confirmed booking with that id (it may be cancelled or over already).");
    // Only the student's own message counts (the tutor's copy is not theirs); a withheld one says why instead.
    const withheld = studentWithheld(cancelled.mail);
    return ok({
      bookingId, status: "cancelled", studentTold: cancelled.chatTold, studentEmailed: studentEmailed(cancelled.mail) !== undefined,
      ...(withheld ? { studentEmailWithheld: withheld.reason } : {}),
    });
  }

  /** Attended or no-show, once the session has started at the center; never on a cancelled booking. */
  async markAttendance(sessionToken: unknown, input: unknown): Promise<Result<{ bookingId: string; attendance: "attended" | "no_show" }>> {
    const viewer = await this.viewer(sessionToken, true);
    if (!viewer.ok) return viewer;
    const parsed = StaffAttendance.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Name the booking and whether the student attended.", zodIssues(parsed.error));
    const now = this.now();
    const { center, tutorId } = viewer.value;
    const local = localNow(new Date(now), await this.timeZone(center));
    const scope = { center, bookingId: parsed.data.bookingId, tutorId };
    const marked = await markAttendance(this.env.DB, { ...scope, now, attendance: parsed.data.attendance, startedBy: `${local.date} ${toClock(local.minutes)}` });
    if (marked) {
      // A no-show counts once, when first marked; a correction back to attended is not subtracted.
      if (parsed.data.attendance === "no_show" && marked.previous !== "no_show") recordAnalytics(this.env, centerOfOwner(marked.ownerId), [{ type: "no_show" }], this.waitUntil, now);
      settleBooking(this.env, marked.ownerId, { bookingId: parsed.data.bookingId, outcome: parsed.data.attendance }, now, this.waitUntil);
      return ok(parsed.data);
    }
    const why = await whyScheduleRefused(this.env.DB, scope);
    if (why.reason === "not_found") return fail("not_found:booking", NO_BOOKING);
    if (why.reason === "cancelled") return fail("conflict:booking", "A cancelled session cannot be marked.");
    return fail("conflict:booking", `Attendance can be marked once the session has started (${why.date} at ${why.start}).`);
  }

  /** The session's short note (empty clears it): a tutor on their own sessions, staff and admins on any. */
  async note(sessionToken: unknown, input: unknown): Promise<Result<{ bookingId: string; note: string | null }>> {
    const viewer = await this.viewer(sessionToken, true);
    if (!viewer.ok) return viewer;
    const parsed = StaffNote.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Name the booking; a note has at most 500 characters.", zodIssues(parsed.error));
    const { bookingId, note } = parsed.data;
    const saved = await setTutorNote(this.env.DB, { center: viewer.value.center, bookingId, tutorId: viewer.value.tutorId, now: this.now(), note });
    return saved ? ok({ bookingId, note: note === "" ? null : note }) : fail("not_found:booking", NO_BOOKING);
  }
}

/** The Monday on or before `date` (weeks run Monday to Sunday). */
export function mondayOf(date: string): string {
  return addDays(date, -((weekdayIndex(weekdayOf(date)) + 6) % 7));
}
