import { DurableObject } from "cloudflare:workers";
import { fail, ok, zodIssues, type Result } from "../lib/errors";
import { bookingMessages, type MailKind, type MailRole } from "../lib/mail/booking-mail";
import { MailMessage, mailerFromEnv } from "../lib/mail/mailer";
import { inQuietHours, parseReminderHours, reminderMessage, reminderPlan, sendableAt, sessionStart } from "../lib/mail/reminders";
import { bookingForMail, recordMailFailure, type BookingForMail } from "../services/db/mail";
import { MailWithheld } from "../lib/mail/recipients";
import { withStopLink } from "../lib/mail/stop-link";
import { admitAtSend, admitNow } from "../services/mail-recipients";
import { stopLinkFor } from "../services/mail-stop";
import { manageLinkFor } from "../services/booking-link";
import { withManageLink } from "../lib/mail/manage-link";
import { mailPhrasesIn } from "../lib/mail/phrases";
import { reminderNotice } from "../lib/notifications/messages";
import { notifyStudent } from "../services/notify";
import { EnqueueMail, MailEvent, MailEventId, type MailQueued } from "../lib/mail/outbox";
import { CountingSql, migrate, sql, type RowCounts } from "./sql";
import { clock, useClockOf } from "../lib/time";

/**
 * The emails about one booking, queued durably and sent by this object's alarm.
 * One object per booking, named by the booking id (like its SessionManager, but
 * apart from it: that object erases itself when the session ends or is
 * cancelled, and the cancellation email must outlive exactly that; later
 * reminders and reschedules are this booking's mail too).
 *
 * `enqueue` records a change to the booking once per event id (a retried effect
 * finds it and queues nothing more), renders its messages there and then (the
 * bytes every attempt sends are the same), and sets the alarm. Each message's key
 * `{booking}:{kind}:{sequence}:{role}` is the provider's Idempotency-Key and our
 * own sent-record: a row marked sent is never sent again. A transient failure is
 * retried with doubling backoff; a 4xx, or MAX_ATTEMPTS spent, is final: marked
 * failed here and written to `bookings.mail_error` for the staff schedule.
 *
 * A confirmation also queues the student's reminders (lib/mail/reminders.ts), each a
 * pending row due at its own time: the alarm is always the earliest pending row, so
 * one alarm serves every future send. A later event (a move, the cancel) supersedes every
 * pending row, reminders included; a move (event `moved:{tutor}:{date}T{start}`) sends the
 * same invite with SEQUENCE one higher and the new times, and queues reminders at them; a reminder is never sent at or after the
 * session's start (`not_after`) nor in the center's quiet hours (`time_zone`).
 *
 * Every message carries its "stop these emails" link (lib/mail/stop-link.ts); the student's also its
 * "Manage this booking" link (lib/mail/manage-link.ts). A message to an address
 * that was stopped is recorded `suppressed` and never sent nor retried; one to a student's address its
 * owner has not confirmed is held (`unconfirmed`) until they do (`release`) (lib/mail/recipients.ts):
 * decided when it is queued (and answered as `withheld`, so nobody says it is on its way) and checked
 * again before each send.
 */

/** The first retry waits this long, then twice as long each time, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 60 * 60_000;
/** About 2 hours of trying (30 s … 1 h) before a message counts as undeliverable. */
export const MAX_ATTEMPTS = 8;


export interface OutboxMessage {
  key: string;
  kind: MailKind;
  sequence: number;
  role: MailRole;
  to: string;
  /**
   * skipped: a reminder whose time came in quiet hours or after the session began, so never sent;
   * suppressed / capped: withheld from its address (stopped by its owner / past today's cap), never sent;
   * unconfirmed: held until the student confirms the address (`release`)
   * forgotten: not sent, because the student asked to be forgotten before it was (`forget`)
   */
  status: "pending" | "sent" | "failed" | "superseded" | "skipped" | MailWithheld | "forgotten";
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  sentAt: number | null;
}

const KIND: Record<MailEvent, Exclude<MailKind, "reminder">> = { confirmed: "confirmation", cancelled: "cancellation" };

function kindOf(event: string): Exclude<MailKind, "reminder"> {
  return event === "confirmed" || event === "cancelled" ? KIND[event] : "update";
}

/** A stored event id without the `#{sequence}` a repeated move (there and back again) gets. */
const baseEvent = (stored: string) => stored.replace(/#\d+$/, "");

const MIGRATIONS = [
  `CREATE TABLE events (
     event TEXT PRIMARY KEY,          -- what changed: confirmed, cancelled, moved:{tutor}:{slot} (#{sequence} when that slot was moved to before)
     sequence INTEGER NOT NULL,       -- the invite's SEQUENCE for this change: 0, then one more per change
     tutor_without_address INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  `CREATE TABLE mail (
     key TEXT PRIMARY KEY,            -- {booking}:{kind}:{sequence}:{role}: the Idempotency-Key
     booking_id TEXT NOT NULL,
     event TEXT NOT NULL,
     kind TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     role TEXT NOT NULL,
     message TEXT NOT NULL,           -- MailMessage JSON, sent as is on every attempt
     status TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER,         -- null once nothing more will be tried
     last_error TEXT,
     provider_id TEXT,
     sent_at INTEGER,
     created_at INTEGER NOT NULL
   )`,
  `CREATE INDEX mail_due ON mail (status, next_attempt_at)`,
  // Reminders (null for confirmations and cancellations, which are sent whenever they happen).
  // not_after: the session's start, from which a reminder is never sent; time_zone: the center's, whose quiet hours it waits out.
  `ALTER TABLE mail ADD COLUMN not_after INTEGER`,
  `ALTER TABLE mail ADD COLUMN time_zone TEXT`,
] as const;

type MailRow = {
  key: string;
  booking_id: string;
  event: string;
  kind: MailKind;
  sequence: number;
  role: MailRole;
  message: string;
  status: OutboxMessage["status"];
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  sent_at: number | null;
  not_after: number | null;
  time_zone: string | null;
};

export class MailOutbox extends DurableObject<Env> {
  private readonly db: CountingSql;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    useClockOf(env);
    this.db = new CountingSql(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => migrate(this.db, MIGRATIONS));
  }

  /**
   * Queues the emails for one change to the booking, once: the same event again
   * answers who it went to and queues nothing. A confirmation after the booking
   * was cancelled queues nothing; a cancellation supersedes a confirmation not
   * sent yet (a stale invite never follows its own cancel).
   */
  async enqueue(request: EnqueueMail): Promise<Result<MailQueued>> {
    const parsed = EnqueueMail.safeParse(request);
    if (!parsed.success) return fail("bad_request:body", "Invalid mail request.", zodIssues(parsed.error));
    const { bookingId, event } = parsed.data;
    const seen = this.recorded(event);
    if (seen) return ok(this.queuedFor(seen.event, seen.tutor_without_address === 1));
    if (event !== "cancelled" && this.db.first(sql`SELECT 1 AS found FROM events WHERE event = 'cancelled'`)) {
      return ok({ recipients: [], withheld: [], tutorWithoutAddress: false });
    }
    const booking = await bookingForMail(this.env.DB, { bookingId });
    if (!booking) return fail("not_found:booking", "No booking with that id.");
    if (event !== "cancelled" && booking.status !== "confirmed") return ok({ recipients: [], withheld: [], tutorWithoutAddress: false });
    const people = await this.admit(booking, clock.now());
    // The student's "Manage this booking" link (the tutor's copy has none): signed for this booking, until a day after its end.
    const manage = await manageLinkFor(this.env, booking);
    // Checked again after the awaits: another call for the same event may have got here first, or the cancel.
    const again = this.recorded(event);
    if (again) return ok(this.queuedFor(again.event, again.tutor_without_address === 1));
    if (event !== "cancelled" && this.db.first(sql`SELECT 1 AS found FROM events WHERE event = 'cancelled'`)) {
      return ok({ recipients: [], withheld: [], tutorWithoutAddress: false });
    }

    const now = clock.now();
    const sequence = (this.db.first<{ last: number | null }>(sql`SELECT MAX(sequence) AS last FROM events`)?.last ?? -1) + 1;
    const kind = kindOf(event);
    // A move back to a slot moved to before is a new move: its row gets its own id.
    const stored = this.db.first(sql`SELECT 1 AS found FROM events WHERE event = ${event}`) ? `${event}#${sequence}` : event;
    // The student's lines in the booking's language (bookings.language); the tutor's in English.
    const say = mailPhrasesIn(booking.language);
    // A student who turned these emails off gets none (their tutor still does); said nowhere, since none is queued.
    const messages = bookingMessages(booking, kind, sequence, { organizerEmail: senderAddress(this.env.MAIL_FROM), now: new Date(now) })
      .filter(({ role }) => role !== "student" || booking.changeEmailsOff !== 1)
      .map(({ role, message }) => ({
        role,
        message: role === "student" ? withStopLink(withManageLink(message, manage, kind, say), people.student.link, say) : withStopLink(message, people[role].link),
        withheld: people[role].withheld,
      }));
    const tutorWithoutAddress = booking.tutorEmail === null;
    this.ctx.storage.transactionSync(() => {
      this.db.run(sql`INSERT INTO events (event, sequence, tutor_without_address, created_at) VALUES (${stored}, ${sequence}, ${tutorWithoutAddress ? 1 : 0}, ${now})`);
      // A newer change supersedes what was not sent yet, a message held for an unconfirmed address too.
      this.db.run(sql`UPDATE mail SET status = 'superseded', next_attempt_at = NULL WHERE status IN ('pending', 'unconfirmed')`);
      for (const { role, message, withheld } of messages) {
        // A withheld message is kept as the record of why it was not sent; nothing will try it.
        this.db.run(
          sql`INSERT INTO mail (key, booking_id, event, kind, sequence, role, message, status, next_attempt_at, created_at)
              VALUES (${`${bookingId}:${kind}:${sequence}:${role}`}, ${bookingId}, ${stored}, ${kind}, ${sequence}, ${role}, ${JSON.stringify(message)},
                      ${withheld ?? "pending"}, ${withheld ? null : now}, ${now})`,
        );
      }
      // A move's reminders replace the old ones (superseded above), at the new times; none for an address that stopped our emails.
      if (event !== "cancelled" && booking.remindersOff !== 1 && people.student.withheld !== "suppressed") {
        this.queueReminders(booking, stored, sequence, now, people.student.link, manage);
      }
    });
    await this.ctx.storage.setAlarm(clock.toPlatform(now));
    return ok({
      recipients: messages.filter(({ withheld }) => !withheld).map(({ role, message }) => ({ role, to: message.to })),
      withheld: messages.flatMap(({ role, message, withheld }) => (withheld ? [{ role, to: message.to, reason: withheld }] : [])),
      tutorWithoutAddress,
    });
  }

  /**
   * Each recipient's stop link, and whether their message of this change may go now (services/mail-recipients.ts):
   * the student's address counted toward today's cap when they get one, the tutor's checked for a stop.
   */
  private async admit(booking: BookingForMail, now: number): Promise<Record<MailRole, { link: string; withheld: MailWithheld | null }>> {
    const student = {
      link: await stopLinkFor(this.env, booking.studentEmail),
      withheld: booking.changeEmailsOff === 1 ? null : await admitNow(this.env.DB, { role: "student", to: booking.studentEmail, now }),
    };
    if (!booking.tutorEmail) return { student, tutor: { link: "", withheld: null } };
    const tutor = { link: await stopLinkFor(this.env, booking.tutorEmail), withheld: await admitNow(this.env.DB, { role: "tutor", to: booking.tutorEmail, now }) };
    return { student, tutor };
  }

  /**
   * The student confirmed their address (services/accounts.ts): what was held for it goes now, the
   * latest change's message and any reminder whose time came meanwhile (one still before the
   * session; a later one is skipped by the alarm as usual). One row written per message released.
   */
  async release(): Promise<{ released: number }> {
    const now = clock.now();
    const released = this.db.all(sql`UPDATE mail SET status = 'pending', next_attempt_at = ${now} WHERE status = 'unconfirmed' AND role = 'student' RETURNING key`).length;
    if (released > 0) await this.ctx.storage.setAlarm(clock.toPlatform(now));
    return { released };
  }

  /** Every message this booking has had, oldest first: for staff and tests. */
  async messages(): Promise<OutboxMessage[]> {
    return this.db.all<MailRow>(sql`SELECT * FROM mail ORDER BY created_at, key`).map((row) => ({
      key: row.key,
      kind: row.kind,
      sequence: row.sequence,
      role: row.role,
      to: addressOf(row.message),
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      sentAt: row.sent_at,
    }));
  }

  /**
   * "Forget me" (services/forget-me.ts): the emails' contents and addresses go, their record stays
   * (key = booking, kind, sequence, role; status, attempts, times). `keepPending`, for a session
   * still to come: rows not sent yet (its reminders) keep their body, so they still go out;
   * otherwise (a past or cancelled booking) they will not be sent (`forgotten`). One row written
   * per row erased; a repeat writes nothing. Answers how many rows were erased.
   */
  async forget(input: { keepPending: boolean }): Promise<Result<{ erased: number }>> {
    const keepPending = input?.keepPending === true;
    const erased = this.ctx.storage.transactionSync(() => {
      if (!keepPending) this.db.run(sql`UPDATE mail SET status = 'forgotten', next_attempt_at = NULL WHERE status = 'pending'`);
      return this.db.all<{ key: string }>(
        sql`UPDATE mail SET message = '', last_error = NULL, provider_id = NULL
            WHERE status <> 'pending' AND (message <> '' OR last_error IS NOT NULL OR provider_id IS NOT NULL) RETURNING key`,
      ).length;
    });
    return ok({ erased });
  }

  /** Rows read and written by this instance so far. */
  rowCounts(): RowCounts {
    return this.db.counts();
  }

  /** Sends what is due; never throws for a provider or D1 failure (a retry is scheduled instead). */
  override async alarm(): Promise<void> {
    const now = clock.now();
    const due = this.db.all<MailRow>(sql`SELECT * FROM mail WHERE status = 'pending' AND next_attempt_at <= ${now} ORDER BY next_attempt_at, created_at, key`);
    const mailer = mailerFromEnv(this.env);
    for (const row of due) {
      // A cancel may have arrived while an earlier send was awaited: it superseded this row.
      if (!this.db.first(sql`SELECT 1 AS found FROM mail WHERE key = ${row.key} AND status = 'pending'`)) continue;
      if (row.kind === "reminder" && this.reminderWaits(row, clock.now())) continue;
      const attempts = row.attempts + 1;
      if (await this.withheldNow(row, clock.now())) continue;
      if (!mailer) {
        await this.giveUp(row, attempts, "Email is not configured (MAIL_API_URL, MAIL_API_TOKEN).");
        continue;
      }
      const message = MailMessage.parse(JSON.parse(row.message));
      const sent = await mailer.send(message, row.key);
      if (sent.ok) {
        this.db.run(
          sql`UPDATE mail SET status = 'sent', attempts = ${attempts}, provider_id = ${sent.value.providerId}, sent_at = ${clock.now()}, next_attempt_at = NULL, last_error = NULL WHERE key = ${row.key}`,
        );
        if (row.kind === "reminder") await this.notifyReminder(row);
      } else if (sent.error.code === "rejected:upstream" || attempts >= MAX_ATTEMPTS) {
        await this.giveUp(row, attempts, sent.error.message);
      } else {
        const next = clock.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempts - 1));
        console.warn(`[MailOutbox] ${row.key}: attempt ${attempts} failed, retrying`, sent.error.message);
        this.db.run(sql`UPDATE mail SET attempts = ${attempts}, last_error = ${sent.error.message}, next_attempt_at = ${next} WHERE key = ${row.key}`);
      }
    }
    const next = this.db.first<{ at: number | null }>(sql`SELECT MIN(next_attempt_at) AS at FROM mail WHERE status = 'pending'`)?.at ?? null;
    if (next !== null) await this.ctx.storage.setAlarm(clock.toPlatform(Math.max(next, clock.now())));
  }

  /**
   * Whether the row's address may not be written to now (stopped since it was queued; a reminder past
   * today's cap): then the row is marked so, for good. If D1 cannot answer, nothing is sent now: the row
   * is tried again in FIRST_BACKOFF_MS, without spending an attempt (the provider was never asked).
   */
  private async withheldNow(row: MailRow, now: number): Promise<boolean> {
    const to = MailMessage.shape.to.parse(JSON.parse(row.message).to);
    let withheld: MailWithheld | null;
    try {
      withheld = await admitAtSend(this.env.DB, { role: row.role, to, kind: row.kind, attempts: row.attempts, now });
    } catch (error) {
      const next = now + FIRST_BACKOFF_MS;
      console.warn(`[MailOutbox] ${row.key}: could not check the address, retrying`, error);
      this.db.run(sql`UPDATE mail SET last_error = ${"The address could not be checked."}, next_attempt_at = ${next} WHERE key = ${row.key}`);
      return true;
    }
    if (!withheld) return false;
    this.db.run(sql`UPDATE mail SET status = ${withheld}, next_attempt_at = NULL WHERE key = ${row.key}`);
    return true;
  }

  /** The student's reminders for this booking, queued with its confirmation (inside its transaction). */
  private queueReminders(booking: BookingForMail, event: string, sequence: number, now: number, stopLink: string, manageLink: string): void {
    const start = sessionStart(booking);
    const say = mailPhrasesIn(booking.language);
    const message = JSON.stringify(withStopLink(withManageLink(reminderMessage(booking), manageLink, "reminder", say), stopLink, say));
    // The center's offsets, less those the student turned off.
    const off = new Set(parseReminderHours(booking.reminderHoursOff));
    const hours = parseReminderHours(booking.reminderHours).filter((offset) => !off.has(offset));
    for (const { hoursBefore, sendAt } of reminderPlan({ start, now, timeZone: booking.timeZone, hours })) {
      this.db.run(
        sql`INSERT INTO mail (key, booking_id, event, kind, sequence, role, message, next_attempt_at, created_at, not_after, time_zone)
            VALUES (${`${booking.id}:reminder-${hoursBefore}h:${sequence}:student`}, ${booking.id}, ${event}, 'reminder', ${sequence}, 'student',
                    ${message}, ${sendAt}, ${now}, ${start}, ${booking.timeZone})`,
      );
    }
  }

  /**
   * Whether a due reminder must not go out now (a retry that slipped into quiet hours, or a session
   * already begun): then it is moved to when it may, or skipped for good. One row written either way.
   */
  private reminderWaits(row: MailRow, now: number): boolean {
    if (row.not_after === null || row.time_zone === null) return false;
    if (now < row.not_after && !inQuietHours(now, row.time_zone)) return false;
    const later = sendableAt(now, { start: row.not_after, now, timeZone: row.time_zone });
    if (later !== null && later > now) {
      this.db.run(sql`UPDATE mail SET next_attempt_at = ${later} WHERE key = ${row.key}`);
    } else {
      this.db.run(sql`UPDATE mail SET status = 'skipped', next_attempt_at = NULL WHERE key = ${row.key}`);
    }
    return true;
  }

  /**
   * The student's bell hears of a reminder that was sent (keyed by the email's key: once). The
   * object does not keep the booking's owner, so this reads the booking again: one D1 read and
   * one Notifications call per reminder sent; a failure is logged and changes nothing here.
   */
  private async notifyReminder(row: MailRow): Promise<void> {
    try {
      const booking = await bookingForMail(this.env.DB, { bookingId: row.booking_id });
      if (!booking) return;
      const hoursBefore = Number(/:reminder-(\d+)h:/.exec(row.key)?.[1] ?? 0);
      await notifyStudent(this.env, booking.ownerId, reminderNotice({ ...booking, bookingId: booking.id, mailKey: row.key, hoursBefore, language: booking.language }));
    } catch (error) {
      console.error(`[MailOutbox] ${row.key}: the bell was not told`, error);
    }
  }

  /** Final: the row says why, and so does the booking for staff (best effort: the row is the record). */
  private async giveUp(row: MailRow, attempts: number, error: string): Promise<void> {
    console.error(`[MailOutbox] ${row.key}: giving up`, error);
    this.db.run(sql`UPDATE mail SET status = 'failed', attempts = ${attempts}, last_error = ${error}, next_attempt_at = NULL WHERE key = ${row.key}`);
    const to = addressOf(row.message);
    try {
      await recordMailFailure(this.env.DB, { bookingId: row.booking_id, error: `The ${row.kind} email to ${to} was not delivered: ${error}` });
    } catch (failure) {
      console.error(`[MailOutbox] ${row.key}: could not record the failure in D1`, failure);
    }
  }

  /**
   * The stored event this request repeats, or null when it is new. A move repeats only while it is
   * the latest event: moving back to a slot moved to before is a new move.
   */
  private recorded(event: MailEventId): { event: string; tutor_without_address: number } | null {
    if (event === "confirmed" || event === "cancelled") {
      return this.db.first<{ event: string; tutor_without_address: number }>(sql`SELECT event, tutor_without_address FROM events WHERE event = ${event}`) ?? null;
    }
    const latest = this.db.first<{ event: string; tutor_without_address: number }>(sql`SELECT event, tutor_without_address FROM events ORDER BY sequence DESC LIMIT 1`);
    return latest && baseEvent(latest.event) === event ? latest : null;
  }

  /** Who the event's messages go to, and whose were withheld; a superseded one (a confirmation overtaken by its cancel) goes to no one. */
  private queuedFor(event: string, tutorWithoutAddress: boolean): MailQueued {
    const rows = this.db
      .all<{ role: MailRole; message: string; status: OutboxMessage["status"] }>(
        sql`SELECT role, message, status FROM mail WHERE event = ${event} AND kind = ${kindOf(baseEvent(event))} AND status <> 'superseded' ORDER BY key`,
      )
      .map((row) => ({ role: row.role, status: row.status, to: addressOf(row.message) }));
    const withheld = (status: OutboxMessage["status"]): status is MailWithheld => MailWithheld.safeParse(status).success;
    return {
      recipients: rows.filter((row) => !withheld(row.status)).map(({ role, to }) => ({ role, to })),
      withheld: rows.flatMap(({ role, to, status }) => (withheld(status) ? [{ role, to, reason: status }] : [])),
      tutorWithoutAddress,
    };
  }
}

/** A stored message's address; "" once "Forget me" erased it. */
function addressOf(message: string): string {
  return message === "" ? "" : MailMessage.shape.to.parse(JSON.parse(message).to);
}

/** The address inside `Name <address>` (the invite's organizer is the sender). */
export function senderAddress(from: string | undefined): string {
  const value = from || "Tutoring center <bookings@example.edu>";
  return /<([^>]+)>/.exec(value)?.[1] ?? value;
}
