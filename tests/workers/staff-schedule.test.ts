import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { NewStaffInvite } from "../../lib/staff/schemas";
import { addDays, localNow } from "../../lib/calendar";
import { workingWeekAt } from "../../lib/center/policy";
import { clock } from "../../lib/time";
import { readCenterPolicy } from "../../services/db/center";
import { StaffSchedule } from "../../workers/staff/schedule";
import { FakeAuthenticator } from "../fakes/authenticator";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { enrolled, meteredD1, newEmail, register, sidecar } from "./staff-helpers";

const TIME_ZONE = "America/Los_Angeles";
const today = () => localNow(new Date(), TIME_ZONE).date;

type Fixture = { tutorId: string; date: string; start?: string; email?: string; status?: "confirmed" | "cancelled" | "ended"; attendance?: "attended" | "no_show" };

/** A booking row as the assistant's INSERT writes it (the fixture skips the chat; the cancel test uses a real one). */
async function insertBooking({ tutorId, date, start = "10:00", email = newEmail("student"), status = "confirmed", attendance }: Fixture) {
  const id = `bk-${crypto.randomUUID().replaceAll("-", "")}`;
  const end = `${String(Number(start.slice(0, 2)) + 1).padStart(2, "0")}:${start.slice(3)}`;
  await env.DB.prepare(
    `INSERT INTO bookings (id, session_id, owner_id, tutor_id, date, start, "end", student_name, student_email, mode, intake, status, attendance, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'Sam Student', ?, 'online', 'Recursion, please', ?, ?, 1, 1)`,
  )
    .bind(id, newSessionId(), newOwnerId(), tutorId, date, start, end, email.toLowerCase(), status, attendance ?? null)
    .run();
  return id;
}

async function bookingRow(id: string) {
  return env.DB.prepare(
    "SELECT status, cancelled_by, cancel_reason, late_cancel, attendance, tutor_note, updated_at FROM bookings WHERE id = ?",
  )
    .bind(id)
    .first<Record<string, unknown>>();
}

async function staffToken(role: "admin" | "staff" | "tutor" = "staff", tutorId?: string) {
  return (await enrolled(await FakeAuthenticator.create(), role, tutorId)).session.token;
}

/** A student books through the chat (the assistant's real flow): Python, Monday at 10, online. */
async function bookInChat(name: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const say = async (content: string) => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
  await say("I need help with Python on Monday at 10");
  await say("Book this tutor");
  await say("yes");
  const email = `${name.split(" ")[0]!.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  // Confirmed by its owner, so the booking's emails go (lib/mail/recipients.ts).
  await verifiedAddresses(email);
  await say(`${name}, ${email}`);
  await say("Online. Recursion and list comprehensions");
  const state = await say("Confirm booking");
  expect(state.bookingInfo?.step).toBe("confirmed");
  return { sessionId, ownerId, bookingId: state.bookingInfo!.bookingId! };
}

describe("the staff schedule", () => {
  beforeAll(seedCatalog);

  it("shows Monday to Sunday of the week asked for, by day, with each booking's student, intake and status, and filters by tutor", async () => {
    const token = await staffToken("staff");
    const inWeek = [
      await insertBooking({ tutorId: "t-002", date: "2031-03-05", start: "10:00" }),
      await insertBooking({ tutorId: "t-001", date: "2031-03-03", start: "09:00" }),
      await insertBooking({ tutorId: "t-001", date: "2031-03-09", start: "14:00", status: "cancelled" }),
    ];
    await insertBooking({ tutorId: "t-001", date: "2031-03-02" }); // the Sunday before
    await insertBooking({ tutorId: "t-001", date: "2031-03-10" }); // the Monday after

    const week = unwrapOk(await sidecar.staffScheduleWeek(token, { from: "2031-03-05" }));
    expect(week).toMatchObject({ from: "2031-03-03", to: "2031-03-09", timeZone: TIME_ZONE, tutorId: null, canCancel: true });
    expect(week.bookings.map((booking) => booking.id)).toEqual([inWeek[1], inWeek[0], inWeek[2]]);
    expect(week.bookings[0]).toMatchObject({
      tutorId: "t-001",
      tutorName: "Maya Chen",
      studentName: "Sam Student",
      mode: "online",
      intake: "Recursion, please",
      subject: "",
      status: "confirmed",
      attendance: null,
      cancelledBy: null,
      lateCancel: false,
      noShows: 0,
      flagged: false,
      started: false,
    });
    expect(week.tutors.map((tutor) => tutor.id)).toContain("t-002");

    // Reading the week writes nothing: the session check, the time zone, then one batch (the week, the tutors).
    const metered = meteredD1(env.DB);
    unwrapOk(await new StaffSchedule({ ...env, DB: metered.db }).week(token, { from: "2031-03-05" }));
    expect(metered.counts).toMatchObject({ statements: 4, rowsWritten: 0 });

    const oneTutor = unwrapOk(await sidecar.staffScheduleWeek(token, { from: "2031-03-03", tutorId: "t-002" }));
    expect(oneTutor.bookings.map((booking) => booking.id)).toEqual([inWeek[0]]);
    expect(await sidecar.staffScheduleWeek(token, { from: "2031-02-30" })).toMatchObject({ ok: false, error: { code: "bad_request:query" } });
    expect(await sidecar.staffScheduleWeek("A".repeat(43), {})).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
  });

  it("defaults to the center's working week: this one while the center still opens in it, else the next", async () => {
    const token = await staffToken("admin");
    const week = unwrapOk(await sidecar.staffScheduleWeek(token, {}));
    expect(week.today).toBe(today());
    // The rule at fixed instants (a Sunday evening included) is tests/unit/center-policy.test.ts; here, the desk applies it to its clock.
    const working = workingWeekAt(await readCenterPolicy(env.DB, { center: FIRST_CENTER }), clock.date());
    expect({ from: week.from, to: week.to }).toEqual({ from: working.monday, to: working.sunday });
    expect(localNow(new Date(`${week.from}T12:00:00Z`), "UTC").weekday).toBe("monday");
  });

  it("shows a tutor only their own tutor's sessions, and refuses another tutor's week", async () => {
    const own = await insertBooking({ tutorId: "t-003", date: "2031-04-08", start: "10:00" });
    await insertBooking({ tutorId: "t-005", date: "2031-04-09", start: "09:00" });
    const tutor = await staffToken("tutor", "t-003");
    const week = unwrapOk(await sidecar.staffScheduleWeek(tutor, { from: "2031-04-08" }));
    expect(week).toMatchObject({ tutorId: "t-003", canCancel: false, tutors: [{ id: "t-003", name: "Priya Natarajan" }] });
    expect(week.bookings.map((booking) => booking.id)).toEqual([own]);
    expect(await sidecar.staffScheduleWeek(tutor, { from: "2031-04-08", tutorId: "t-005" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    const unlinked = await staffToken("tutor");
    expect(await sidecar.staffScheduleWeek(unlinked, {})).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
  });

  it("cancels for the center: the row says staff and why, the chat tells the student live, the session's end is dropped; a second cancel changes nothing", async () => {
    const token = await staffToken("staff");
    const { sessionId, ownerId, bookingId } = await bookInChat("Ada Byron");
    const manager = env.SESSION_MANAGER.get(env.SESSION_MANAGER.idFromName(bookingId));
    expect(await manager.status()).not.toBeNull();
    // The week names what the student searched for and what they wrote as the topic.
    const booked = await env.DB.prepare("SELECT date FROM bookings WHERE id = ?").bind(bookingId).first<{ date: string }>();
    const shown = unwrapOk(await sidecar.staffScheduleWeek(token, { from: booked!.date })).bookings.find((booking) => booking.id === bookingId);
    expect(shown).toMatchObject({ subject: "Python", intake: "Recursion and list comprehensions", status: "confirmed" });

    const metered = meteredD1(env.DB);
    const schedule = new StaffSchedule({ ...env, DB: metered.db });
    const reason = "Maya is ill today; we will call you to rebook.";
    expect(unwrapOk(await schedule.cancel(token, { bookingId, reason }))).toEqual({ bookingId, status: "cancelled", studentTold: true, studentEmailed: true });
    // Session check (0 written), the conditional UPDATE (1 row; D1 counts no entry for the indexes it leaves), the tutor's name (0).
    expect(metered.counts).toMatchObject({ statements: 3, rowsWritten: 1 });

    expect(await bookingRow(bookingId)).toMatchObject({ status: "cancelled", cancelled_by: "staff", cancel_reason: reason, late_cancel: 0 });
    expect(await manager.status()).toBeNull();
    const state = unwrapOk(await chatSession(sessionId).getState(ownerId));
    expect(state.bookingInfo?.step).toBe("cancelled");
    const told = state.messages.filter((message) => message.content.startsWith("The tutoring center cancelled your session with"));
    expect(told).toHaveLength(1);
    expect(told[0]!.content).toContain(`Reason: ${reason}`);

    const before = await bookingRow(bookingId);
    metered.reset();
    expect(await schedule.cancel(token, { bookingId, reason: "again" })).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    expect(metered.counts.rowsWritten).toBe(0);
    expect(await bookingRow(bookingId)).toEqual(before);
    const after = unwrapOk(await chatSession(sessionId).getState(ownerId));
    expect(after.messages).toHaveLength(state.messages.length);
  });

  it("lets only staff and admins cancel, with a reason, and a refusal changes nothing", async () => {
    const id = await insertBooking({ tutorId: "t-004", date: "2031-05-03", start: "09:00" });
    const before = await bookingRow(id);
    const tutor = await staffToken("tutor", "t-004");
    expect(await sidecar.staffScheduleCancel(tutor, { bookingId: id, reason: "mine" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    const staff = await staffToken("staff");
    expect(await sidecar.staffScheduleCancel(staff, { bookingId: id, reason: "  " })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffScheduleCancel(staff, { bookingId: "bk-nope", reason: "x" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await bookingRow(id)).toEqual(before);
  });

  it("marks attendance only once the session has started, never on a cancelled booking", async () => {
    const token = await staffToken("staff");
    const tomorrow = await insertBooking({ tutorId: "t-006", date: addDays(today(), 1), start: "10:00" });
    const yesterday = await insertBooking({ tutorId: "t-006", date: addDays(today(), -1), start: "10:00", status: "ended" });
    const cancelled = await insertBooking({ tutorId: "t-006", date: addDays(today(), -1), start: "12:00", status: "cancelled" });

    expect(await sidecar.staffScheduleAttendance(token, { bookingId: tomorrow, attendance: "attended" })).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    expect((await bookingRow(tomorrow))?.attendance).toBeNull();
    expect(await sidecar.staffScheduleAttendance(token, { bookingId: cancelled, attendance: "no_show" })).toMatchObject({ ok: false, error: { code: "conflict:booking" } });
    expect((await bookingRow(cancelled))?.attendance).toBeNull();

    const metered = meteredD1(env.DB);
    const schedule = new StaffSchedule({ ...env, DB: metered.db });
    expect(unwrapOk(await schedule.markAttendance(token, { bookingId: yesterday, attendance: "no_show" }))).toEqual({ bookingId: yesterday, attendance: "no_show" });
    // Session check, the time zone, the UPDATE: the row and its entry in the no-show index.
    expect(metered.counts).toMatchObject({ statements: 4, rowsWritten: 2 });
    expect((await bookingRow(yesterday))?.attendance).toBe("no_show");
    unwrapOk(await sidecar.staffScheduleAttendance(token, { bookingId: yesterday, attendance: "attended" }));
    expect((await bookingRow(yesterday))?.attendance).toBe("attended");
    expect(await sidecar.staffScheduleAttendance(token, { bookingId: yesterday, attendance: "late" as "attended" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
  });

  it("flags a student at exactly the no-show limit within the window, by email", async () => {
    const token = await staffToken("staff");
    const email = newEmail("often-absent").toLowerCase();
    const now = today();
    const shown = await insertBooking({ tutorId: "t-007", date: now, start: "06:00", email });
    await insertBooking({ tutorId: "t-007", date: addDays(now, -1), start: "06:00", email, status: "ended", attendance: "no_show" });
    await insertBooking({ tutorId: "t-007", date: addDays(now, -2), start: "06:00", email, status: "ended", attendance: "no_show" });
    await insertBooking({ tutorId: "t-007", date: addDays(now, -30), start: "06:00", email, status: "ended", attendance: "no_show" }); // outside 30 days
    const row = async () => unwrapOk(await sidecar.staffScheduleWeek(token, { tutorId: "t-007", from: now })).bookings.find((booking) => booking.id === shown)!;
    expect(await row()).toMatchObject({ noShows: 2, noShowLimit: 3, noShowWindowDays: 30, flagged: false });
    await insertBooking({ tutorId: "t-007", date: addDays(now, -29), start: "06:00", email, status: "ended", attendance: "no_show" });
    expect(await row()).toMatchObject({ noShows: 3, flagged: true });
  });

  it("lets a tutor mark and note only their own sessions; another tutor's booking is not theirs to see", async () => {
    const mine = await insertBooking({ tutorId: "t-008", date: addDays(today(), -3), start: "09:00", status: "ended" });
    const theirs = await insertBooking({ tutorId: "t-009", date: addDays(today(), -3), start: "18:00", status: "ended" });
    const tutor = await staffToken("tutor", "t-008");
    const before = await bookingRow(theirs);
    expect(await sidecar.staffScheduleAttendance(tutor, { bookingId: theirs, attendance: "no_show" })).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    expect(await sidecar.staffScheduleNote(tutor, { bookingId: theirs, note: "not mine" })).toMatchObject({ ok: false, error: { code: "not_found:booking" } });
    expect(await bookingRow(theirs)).toEqual(before);

    const metered = meteredD1(env.DB);
    const schedule = new StaffSchedule({ ...env, DB: metered.db });
    expect(unwrapOk(await schedule.note(tutor, { bookingId: mine, note: "  Worked through recursion; next: trees.  " }))).toEqual({ bookingId: mine, note: "Worked through recursion; next: trees." });
    expect(metered.counts).toMatchObject({ statements: 2, rowsWritten: 1 });
    unwrapOk(await sidecar.staffScheduleAttendance(tutor, { bookingId: mine, attendance: "attended" }));
    expect(await bookingRow(mine)).toMatchObject({ attendance: "attended", tutor_note: "Worked through recursion; next: trees." });
    expect(await sidecar.staffScheduleNote(tutor, { bookingId: mine, note: "x".repeat(501) })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    unwrapOk(await sidecar.staffScheduleNote(await staffToken("admin"), { bookingId: theirs, note: "Staff can note any session." }));
    expect((await bookingRow(theirs))?.tutor_note).toBe("Staff can note any session.");
  });
});

describe("inviting a tutor", () => {
  beforeAll(seedCatalog);

  it("names the tutor on a tutor's invite and on no other", () => {
    expect(NewStaffInvite.safeParse({ email: "t@x.edu", role: "tutor", tutorId: "t-001" }).success).toBe(true);
    expect(NewStaffInvite.safeParse({ email: "t@x.edu", role: "tutor" }).success).toBe(false);
    expect(NewStaffInvite.safeParse({ email: "s@x.edu", role: "staff", tutorId: "t-001" }).success).toBe(false);
  });

  it("links the registered member to the invite's tutor, and refuses an unknown tutor", async () => {
    const admin = await staffToken("admin");
    expect(await sidecar.staffInvite(admin, { email: newEmail("tutor"), role: "tutor", tutorId: "t-999" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    const { inviteToken } = unwrapOk(await sidecar.staffInvite(admin, { email: newEmail("tutor"), role: "tutor", tutorId: "t-010" }));
    const signed = await register(await FakeAuthenticator.create(), inviteToken);
    expect(signed.member).toMatchObject({ role: "tutor", tutorId: "t-010" });
    expect(unwrapOk(await sidecar.staffSession(signed.session.token)).member.tutorId).toBe("t-010");
  });
});
