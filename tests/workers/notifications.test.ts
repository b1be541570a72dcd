import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Notifications } from "../../durable-objects/notifications";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { NOTIFICATIONS_KEPT, NotificationsFrame } from "../../lib/notifications/schemas";
import type { SidecarApi } from "../../lib/sidecar-api";
import { NOTIFICATIONS_SOCKET_PATH, socketPath } from "../../lib/socket-protocol";
import { zonedToEpoch } from "../../lib/calendar";
import { performEffect } from "../../services/effects";
import { notifyStudent } from "../../services/notify";
import { FakeAuthenticator } from "../fakes/authenticator";
import { createFakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled } from "./staff-helpers";
import { atReview, say } from "./memory-helpers";
import { notificationsOf } from "../../services/objects";

const sidecar = exports.default as unknown as SidecarApi;

beforeAll(seedCatalog);
// The MailOutbox's sends go to the FAKE mail API (these tests are about the bell, not the email).
beforeEach(() => vi.stubGlobal("fetch", createFakeMailApi().fetch));
afterEach(() => vi.unstubAllGlobals());



const note = (key: string) => ({ key, kind: "booking_confirmed" as const, title: "Session booked", body: `Booking ${key}`, href: "/bookings", bookingId: key });

/** The bell's socket as a browser opens it: a ticket from the sidecar, then the upgrade through its fetch. */
async function openBell(ticket: string) {
  return exports.default.fetch(new Request(`http://sidecar${NOTIFICATIONS_SOCKET_PATH}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }));
}

/** A test's end of the bell socket: every frame it received, parsed with the shared schema. */
class BellSocket {
  readonly frames: NotificationsFrame[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.frames.push(NotificationsFrame.parse(JSON.parse(String(event.data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }
  async next(test: (frame: NotificationsFrame) => boolean): Promise<NotificationsFrame> {
    for (;;) {
      const found = this.frames.find(test);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

describe("the bell: notifications per student", () => {
  it("a chat booking adds exactly one notification even when the effect is retried, and a cancel adds one", async () => {
    const { sessionId, ownerId, booking } = await atReview();
    const effect = {
      type: "create_booking" as const,
      booking: {
        tutorId: booking.tutorId, date: booking.slot.date, start: booking.slot.start, end: booking.slot.end,
        studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online" as const, intake: "Recursion", subject: "Python",
      },
    };
    const context = {
      env, sessionId, ownerId,
      messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: DEFAULT_CENTER_POLICY,
    };
    const first = await performEffect(effect, context);
    expect(await performEffect(effect, context)).toEqual(first);
    const bookingId = (first as { bookingId: string }).bookingId;
    let list = unwrapOk(await sidecar.notifications(ownerId));
    expect(list.unread).toBe(1);
    expect(list.notifications).toHaveLength(1);
    expect(list.notifications[0]).toMatchObject({ kind: "booking_confirmed", bookingId, href: "/bookings", readAt: null });
    expect(list.notifications[0]!.body).toContain("Python session");

    unwrapOk(await sidecar.cancelBooking(ownerId, bookingId));
    list = unwrapOk(await sidecar.notifications(ownerId));
    expect(list.notifications.map((item) => item.kind)).toEqual(["booking_cancelled", "booking_confirmed"]);
    expect(unwrapOk(await sidecar.notificationCount(ownerId))).toEqual({ unread: 2 });
  });

  it("a booking confirmed in the chat itself reaches the bell once", async () => {
    const { sessionId, ownerId } = await atReview();
    const reply = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "yes" }));
    const bookingId = reply.state.bookingInfo?.bookingId;
    expect(bookingId).toBeTruthy();
    const list = unwrapOk(await sidecar.notifications(ownerId));
    expect(list.notifications.map((item) => [item.kind, item.bookingId])).toEqual([["booking_confirmed", bookingId]]);
    unwrapOk(await sidecar.cancelBooking(ownerId, bookingId!)); // frees Monday at 10 for the other tests
  });

  it("a cancel by the center tells the student's bell, with the reason", async () => {
    const ownerId = newOwnerId();
    const bookingId = `bk-${crypto.randomUUID().replaceAll("-", "").slice(0, 32)}`;
    await env.DB.prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, status, created_at, updated_at)
       VALUES (?1, ?2, ?3, 't-001', '2027-01-05', '09:00', '10:00', 'Ada', 'ada@example.com', 'online', 'confirmed', 1, 1)`,
    )
      .bind(bookingId, newSessionId(), ownerId)
      .run();
    const token = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;
    unwrapOk(await sidecar.staffScheduleCancel(token, { bookingId, reason: "Tutor is ill" }));
    const [only] = unwrapOk(await sidecar.notifications(ownerId)).notifications;
    expect(only).toMatchObject({ kind: "booking_cancelled", title: "Session cancelled by the center", bookingId });
    expect(only!.body).toContain("“Tutor is ill”");
  });

  it("keeps the unread count, marks read by id or all, and another owner can neither read nor mark (404)", async () => {
    const ownerId = newOwnerId();
    const stranger = newOwnerId();
    for (const key of ["bk-a:booking_confirmed", "bk-b:booking_confirmed", "bk-c:booking_confirmed"]) await notifyStudent(env, ownerId, note(key));
    expect(unwrapOk(await sidecar.notificationCount(ownerId))).toEqual({ unread: 3 });
    // Nobody can mark someone else's: the stranger's own bell has no such id, and the owner's is untouched.
    expect(await sidecar.markNotificationsRead(stranger, { ids: ["bk-a:booking_confirmed"] })).toMatchObject({ ok: false, error: { code: "not_found:notification" } });
    expect(unwrapOk(await sidecar.notifications(stranger)).notifications).toEqual([]);
    // And the owner's object refuses a stranger's name outright.
    expect(await notificationsOf(env, ownerId).list(stranger)).toMatchObject({ ok: false, error: { code: "not_found:notification" } });
    expect(await notificationsOf(env, ownerId).markRead(stranger, { all: true })).toMatchObject({ ok: false, error: { code: "not_found:notification" } });
    expect(unwrapOk(await sidecar.notificationCount(ownerId))).toEqual({ unread: 3 });

    expect(unwrapOk(await sidecar.markNotificationsRead(ownerId, { ids: ["bk-b:booking_confirmed"] }))).toEqual({ marked: 1, unread: 2 });
    expect(unwrapOk(await sidecar.markNotificationsRead(ownerId, { ids: ["bk-b:booking_confirmed"] }))).toEqual({ marked: 0, unread: 2 });
    expect(await sidecar.markNotificationsRead(ownerId, { ids: [] } as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(unwrapOk(await sidecar.markNotificationsRead(ownerId, { all: true }))).toEqual({ marked: 2, unread: 0 });
    expect(unwrapOk(await sidecar.notifications(ownerId)).notifications.every((item) => item.readAt !== null)).toBe(true);
  });

  it("reading the list and the count writes no row; an add writes one, plus one per old notification dropped past the bound", async () => {
    const ownerId = newOwnerId();
    const bell = notificationsOf(env, ownerId);
    // A student never notified: no tables, nothing written by reading.
    unwrapOk(await sidecar.notificationCount(ownerId));
    unwrapOk(await sidecar.notifications(ownerId));
    expect(await bell.rowCounts()).toEqual({ reads: expect.any(Number), writes: 0 });

    await notifyStudent(env, ownerId, note("bk-0:booking_confirmed"));
    const afterFirst = await bell.rowCounts();
    for (let n = 1; n < NOTIFICATIONS_KEPT; n++) {
      const before = await bell.rowCounts();
      await notifyStudent(env, ownerId, note(`bk-${n}:booking_confirmed`));
      expect((await bell.rowCounts()).writes - before.writes).toBe(1);
    }
    const full = await bell.rowCounts();
    unwrapOk(await sidecar.notificationCount(ownerId));
    unwrapOk(await sidecar.notifications(ownerId));
    expect(await bell.rowCounts()).toEqual(full);
    // The same key again (a retried effect): nothing written.
    expect(await notifyStudent(env, ownerId, note("bk-3:booking_confirmed"))).toBe(false);
    expect(await bell.rowCounts()).toEqual(full);

    // Past the bound, the oldest goes: one row inserted, one deleted.
    await notifyStudent(env, ownerId, note("bk-new:booking_confirmed"));
    expect((await bell.rowCounts()).writes - full.writes).toBe(2);
    const list = unwrapOk(await sidecar.notifications(ownerId));
    expect(list.notifications).toHaveLength(NOTIFICATIONS_KEPT);
    expect(list.notifications[0]!.id).toBe("bk-new:booking_confirmed");
    expect(list.notifications.at(-1)!.id).toBe("bk-1:booking_confirmed");
    expect(list.unread).toBe(NOTIFICATIONS_KEPT);
    const stored = await runInDurableObject(bell, (_instance: Notifications, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM notifications").one().n);
    expect(stored).toBe(NOTIFICATIONS_KEPT);
    // The first add also made the schema and stored the owner (docs/notifications.md, Costs).
    expect(afterFirst.writes).toBe(FIRST_ADD_WRITES);
  });

  it("an open bell is pushed the new count when a notification is added and when it is read", async () => {
    const ownerId = newOwnerId();
    const { ticket } = unwrapOk(await sidecar.notificationSocketTicket(ownerId));
    const response = await openBell(ticket);
    expect(response.status).toBe(101);
    const bell = new BellSocket(response.webSocket!);
    bell.ws.send(JSON.stringify({ v: 1, type: "hello" }));
    await bell.next((frame) => frame.unread === 0);

    await notifyStudent(env, ownerId, note("bk-live:booking_confirmed"));
    const pushed = await bell.next((frame) => frame.unread === 1);
    expect(pushed.latest).toMatchObject({ id: "bk-live:booking_confirmed", title: "Session booked" });
    unwrapOk(await sidecar.markNotificationsRead(ownerId, { all: true }));
    await bell.next((frame) => frame.unread === 0 && frame.latest === null && bell.frames.indexOf(frame) > bell.frames.indexOf(pushed));
    bell.ws.close(1000, "done");
  });

  it("a chat ticket cannot open the bell, a bell ticket cannot open a chat, and a bell ticket opens one socket", async () => {
    const ownerId = newOwnerId();
    const sessionId = newSessionId();
    await say(sessionId, ownerId, "hello");
    const chatTicket = unwrapOk(await sidecar.issueSocketTicket(sessionId, ownerId)).ticket;
    expect((await openBell(chatTicket)).status).toBe(401);
    expect((await openBell("not.valid")).status).toBe(401);

    const bellTicket = unwrapOk(await sidecar.notificationSocketTicket(ownerId)).ticket;
    const asChat = await exports.default.fetch(
      new Request(`http://sidecar${socketPath(sessionId)}?ticket=${encodeURIComponent(bellTicket)}`, { headers: { upgrade: "websocket" } }),
    );
    expect(asChat.status).toBe(401);

    const first = await openBell(bellTicket);
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    expect((await openBell(bellTicket)).status).toBe(401);
    first.webSocket!.close(1000, "done");
    // A plain GET is not an upgrade.
    expect((await exports.default.fetch(new Request(`http://sidecar${NOTIFICATIONS_SOCKET_PATH}`))).status).toBe(426);
  });

  it("a failure to notify never fails the booking's path: it is logged and reported as not added", async () => {
    const broken = { NOTIFICATIONS: { idFromName: () => { throw new Error("storage gone"); } } } as unknown as typeof env;
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await notifyStudent(broken, newOwnerId(), note("bk-x:booking_confirmed"))).toBe(false);
    expect(await notifyStudent(undefined, newOwnerId(), note("bk-y:booking_confirmed"))).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});

/** A student's first notification also creates the object's schema (its tables and version row) and stores the owner: 9 rows written. */
const FIRST_ADD_WRITES = 9;

describe("email preferences and the center's reminder times", () => {
  const TIME_ZONE = "America/New_York";
  const HOUR = 3_600_000;
  const outbox = (bookingId: string) => env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));

  /** A confirmed booking of `date` `start` (center time) for `ownerId`, its emails queued at `bookedAt` on the test clock. */
  async function booked(ownerId: string, date: string, start: string, bookedAt: number, tutorId = "t-002") {
    vi.setSystemTime(bookedAt);
    const bookingId = `bk-${crypto.randomUUID().replaceAll("-", "").slice(0, 32)}`;
    await env.DB.prepare(
      `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, subject, status, created_at, updated_at)
       VALUES (?1, 'session-1', ?2, ?3, ?4, ?5, '23:59', 'Ada', 'ada@example.com', 'online', 'Python', 'confirmed', 1, 1)`,
    )
      .bind(bookingId, ownerId, tutorId, date, start)
      .run();
    // Confirmed by its owner: reminders go only to such an address (lib/mail/recipients.ts).
    await verifiedAddresses("ada@example.com");
    unwrapOk(await outbox(bookingId).enqueue({ bookingId, event: "confirmed" }));
    return bookingId;
  }

  const keysOf = async (bookingId: string) => (await outbox(bookingId).messages()).map((message) => message.key.replace(`${bookingId}:`, ""));

  it("confirmation emails off: the student's confirmation is not queued and the chat does not say one is on its way; the bell still shows it", async () => {
    const { sessionId, ownerId } = await atReview();
    expect(unwrapOk(await sidecar.setNotificationPreferences(ownerId, { changeEmails: false, reminders: true, reminderHoursOff: [] }))).toMatchObject({
      changeEmails: false,
      reminders: true,
    });
    const reply = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "yes" }));
    const bookingId = reply.state.bookingInfo!.bookingId!;
    expect(reply.state.bookingInfo?.step).toBe("confirmed");
    expect(reply.replies.map((message) => message.content).join("\n")).not.toMatch(/email/i);
    expect((await keysOf(bookingId)).filter((key) => !key.startsWith("reminder"))).toEqual([]);
    expect(unwrapOk(await sidecar.notifications(ownerId)).notifications.map((item) => item.kind)).toEqual(["booking_confirmed"]);

    const cancelled = unwrapOk(await sidecar.cancelBooking(ownerId, bookingId));
    expect(cancelled.emailedTo).toBeUndefined();
    expect((await keysOf(bookingId)).filter((key) => key.startsWith("cancellation"))).toEqual([]);
  });

  it("a reminder time turned off is not queued; the others are", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const ownerId = newOwnerId();
      unwrapOk(await sidecar.setNotificationPreferences(ownerId, { changeEmails: true, reminders: true, reminderHoursOff: [1] }));
      expect(unwrapOk(await sidecar.notificationPreferences(ownerId)).reminderHours).toEqual([
        { hours: 24, on: true },
        { hours: 1, on: false },
      ]);
      const bookingId = await booked(ownerId, "2027-02-03", "15:00", zonedToEpoch("2027-02-01", "12:00", TIME_ZONE));
      expect(await keysOf(bookingId)).toEqual(["confirmation:0:student", "reminder-24h:0:student"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("the center's reminder times replace the defaults; each reminder sent also reaches the bell once", async () => {
    const admin = (await enrolled(await FakeAuthenticator.create(), "admin")).session.token;
    // What the page reads back minus what is not a setting (the closed dates, this deployment's model) is a valid save.
    const { closedDates: _closed, modelReaderAvailable: _model, ...current } = unwrapOk(await sidecar.staffCenterSettings(admin));
    for (const bad of [[0], [2, 2], [1, 2, 3, 4, 5], ["24"]]) {
      expect(await sidecar.staffUpdateCenterSettings(admin, { ...current, reminderHours: bad })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(unwrapOk(await sidecar.staffUpdateCenterSettings(admin, { ...current, timeZone: TIME_ZONE, reminderHours: [2, 48] })).reminderHours).toEqual([48, 2]);
    // An edit that leaves the times out keeps them.
    const { reminderHours: _left, ...withoutTimes } = current;
    expect(unwrapOk(await sidecar.staffUpdateCenterSettings(admin, { ...withoutTimes, timeZone: TIME_ZONE })).reminderHours).toEqual([48, 2]);

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const ownerId = newOwnerId();
      const start = zonedToEpoch("2027-02-10", "15:00", TIME_ZONE);
      const bookingId = await booked(ownerId, "2027-02-10", "15:00", zonedToEpoch("2027-02-05", "12:00", TIME_ZONE), "t-003");
      expect((await keysOf(bookingId)).sort()).toEqual(["confirmation:0:student", "reminder-2h:0:student", "reminder-48h:0:student"]);
      const reminders = (await outbox(bookingId).messages()).filter((message) => message.kind === "reminder");
      expect(reminders.map((message) => message.nextAttemptAt).sort()).toEqual([start - 48 * HOUR, start - 2 * HOUR]);

      vi.setSystemTime(start - 48 * HOUR);
      await runDurableObjectAlarm(outbox(bookingId));
      await runDurableObjectAlarm(outbox(bookingId));
      expect((await outbox(bookingId).messages()).find((message) => message.key.endsWith("reminder-48h:0:student"))?.status).toBe("sent");
      const bell = unwrapOk(await sidecar.notifications(ownerId)).notifications;
      expect(bell.map((item) => [item.kind, item.id, item.title])).toEqual([["reminder", `${bookingId}:reminder-48h:0:student`, "Session tomorrow"]]);
    } finally {
      vi.useRealTimers();
      unwrapOk(await sidecar.staffUpdateCenterSettings(admin, { ...current, reminderHours: [24, 1] }));
    }
  });

  it("refuses bad preferences and changes nothing", async () => {
    const ownerId = newOwnerId();
    for (const bad of [{ changeEmails: "no", reminders: true, reminderHoursOff: [] }, { changeEmails: true, reminders: true, reminderHoursOff: [0] }, { changeEmails: true, reminders: true }]) {
      expect(await sidecar.setNotificationPreferences(ownerId, bad as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(unwrapOk(await sidecar.notificationPreferences(ownerId))).toEqual({ changeEmails: true, reminders: true, reminderHours: [{ hours: 24, on: true }, { hours: 1, on: true }] });
  });
});
