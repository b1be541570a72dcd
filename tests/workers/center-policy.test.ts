import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CENTER_POLICY, startsAt, weekOf, type CenterPolicy } from "../../lib/center/policy";
import type { ChatState } from "../../lib/schemas";
import { addDays, localNow, nextDateFor } from "../../lib/calendar";
import type { StaffSignedIn } from "../../lib/staff/schemas";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { readCenterPolicy, updateCenterSettings } from "../../services/db/center";
import { enrolled, meteredD1, sidecar } from "./staff-helpers";

// The sidecar reads the wall clock, so dates here are computed from it: far enough ahead that
// nothing depends on the hour the test runs at.
const ZONE = DEFAULT_CENTER_POLICY.timeZone;
const today = () => localNow(new Date(), ZONE).date;
/** A Monday at least two weeks away (seed Python tutors teach Mondays 09:00–13:00). */
const farMonday = () => nextDateFor("monday", addDays(today(), 14));
/** "Dec 7": how a student names a date. */
const spoken = (date: string) => `${new Date(`${date}T00:00:00Z`).toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${Number(date.slice(8))}`;

const { closedDates: _none, ...DEFAULT_SETTINGS } = DEFAULT_CENTER_POLICY;

let admin: StaffSignedIn;

/** What docs/bookings.md ("The center's rules") says these cost, as D1 reports it (index entries included). */
const COST = { readRows: 9, saveUnchangedWritten: 1 };

async function setPolicy(changes: Partial<Omit<CenterPolicy, "closedDates">>) {
  unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...DEFAULT_SETTINGS, ...changes }));
}

async function settingsRow() {
  return env.DB.prepare("SELECT * FROM center_settings WHERE id = 1").first();
}

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

function lastReply(state: ChatState): string {
  return state.messages.filter((message) => message.role === "assistant").at(-1)?.content ?? "";
}

/** A student asks for `request` and walks the booking form to the review step. */
async function toReview(ownerId: string, request: string, email = `${ownerId}@example.com`) {
  const sessionId = newSessionId();
  const offered = await say(sessionId, ownerId, request);
  await say(sessionId, ownerId, "Book this tutor");
  await say(sessionId, ownerId, "yes");
  await say(sessionId, ownerId, `Ada Lovelace, ${email}`);
  const review = await say(sessionId, ownerId, "Online. Recursion");
  expect(review.bookingInfo?.step).toBe("review");
  return { sessionId, offered, review };
}

async function book(ownerId: string, request: string) {
  const { sessionId, review } = await toReview(ownerId, request);
  return { sessionId, review, state: await say(sessionId, ownerId, "Confirm booking") };
}

async function bookingRows(ownerId: string) {
  const { results } = await env.DB.prepare("SELECT id, date, status, cancelled_by, late_cancel FROM bookings WHERE owner_id = ?").bind(ownerId).all();
  return results;
}

describe("the center's booking policies, through the sidecar", () => {
  beforeAll(async () => {
    await seedCatalog();
    admin = await enrolled(await FakeAuthenticator.create(), "admin");
  });

  afterEach(async () => {
    await setPolicy({});
    await env.DB.prepare("DELETE FROM center_closed_dates").run();
  });

  it("refuses a time inside the lead time, says why, and offers only slots after it", async () => {
    await setPolicy({ minLeadMinutes: 10 * 24 * 60 });
    const before = Date.now();
    const state = await say(newSessionId(), newOwnerId(), "I need help with Python today at 4pm");
    expect(lastReply(state)).toMatch(/^Sessions need at least 10 days' notice, so the earliest I can book is \w+day, \w{3} \d{1,2} at \d\d:\d\d\. The nearest time I can book: /);
    expect(state.availableTutors.length).toBeGreaterThan(0);
    for (const match of state.availableTutors) expect(startsAt(DEFAULT_CENTER_POLICY, match.slot)).toBeGreaterThanOrEqual(before + 10 * 86_400_000);
  });

  it("lets the booking statement refuse a slot the lead time came to forbid after it was offered", async () => {
    const ownerId = newOwnerId();
    const monday = farMonday();
    const { sessionId, review } = await toReview(ownerId, `Python on ${spoken(monday)} at 10am`);
    expect(review.bookingInfo?.slot.date).toBe(monday);
    await setPolicy({ minLeadMinutes: 30 * 24 * 60 });
    const state = await say(sessionId, ownerId, "Confirm booking");
    expect(lastReply(state)).toMatch(/^Nothing was booked\. Sessions need at least 30 days' notice/);
    expect(state.bookingInfo).toBeNull();
    expect(await bookingRows(ownerId)).toEqual([]);
  });

  it("books up to the weekly cap, refuses the next in that week with the reason, and books another week", async () => {
    await setPolicy({ weeklyCap: 2 });
    const ownerId = newOwnerId();
    const monday = farMonday();
    for (const time of ["9am", "10am"]) {
      const { state } = await book(ownerId, `Python on ${spoken(monday)} at ${time}`);
      expect(state.bookingInfo?.step).toBe("confirmed");
      expect(state.bookingInfo?.slot.date).toBe(monday);
    }
    const third = await book(ownerId, `Python on ${spoken(monday)} at 11am`);
    expect(third.review.bookingInfo?.slot.date).toBe(monday);
    expect(lastReply(third.state)).toBe("Nothing was booked: you already have 2 sessions that week, the center's limit. Want to try another week?");
    expect(third.state.bookingInfo).toBeNull();

    const nextWeek = await book(ownerId, `Python on ${spoken(addDays(monday, 7))} at 11am`);
    expect(nextWeek.state.bookingInfo?.step).toBe("confirmed");
    const rows = await bookingRows(ownerId);
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => weekOf(row.date as string).monday === monday)).toHaveLength(2);
  });

  it("offers nothing past the horizon and says how far ahead it books", async () => {
    await setPolicy({ horizonDays: 7 });
    const state = await say(newSessionId(), newOwnerId(), `Python on ${spoken(farMonday())} at 10am`);
    expect(lastReply(state)).toMatch(/^I can book at most 7 days ahead, so the latest day is /);
    const last = addDays(today(), 7);
    expect(state.availableTutors.length).toBeGreaterThan(0);
    for (const match of state.availableTutors) expect(match.slot.date <= last).toBe(true);
  });

  it("never offers a closed date, and says the center is closed when asked for it", async () => {
    const monday = farMonday();
    const policy = unwrapOk(await sidecar.staffAddClosedDate(admin.session.token, { date: monday, reason: "Staff training" }));
    expect(policy.closedDates).toContainEqual({ date: monday, reason: "Staff training" });
    const state = await say(newSessionId(), newOwnerId(), `Python on ${spoken(monday)} at 10am`);
    expect(lastReply(state)).toMatch(/^The center is closed on Monday, \w{3} \d{1,2} \(Staff training\)\. The nearest time I can book: /);
    expect(state.availableTutors.length).toBeGreaterThan(0);
    expect(state.availableTutors.some((match) => match.slot.date === monday)).toBe(false);
    const reopened = unwrapOk(await sidecar.staffRemoveClosedDate(admin.session.token, monday));
    expect(reopened.closedDates.some((closed) => closed.date === monday)).toBe(false);
  });

  it("marks a cancel inside the cutoff as late, says so, and still cancels; one before the cutoff is not late", async () => {
    const ownerId = newOwnerId();
    const monday = farMonday();
    const early = await book(ownerId, `Python on ${spoken(monday)} at 9am`);
    const late = await book(ownerId, `Python on ${spoken(monday)} at 10am`);
    expect([early.state.bookingInfo?.step, late.state.bookingInfo?.step]).toEqual(["confirmed", "confirmed"]);

    expect(lastReply(await say(early.sessionId, ownerId, "Cancel my booking"))).not.toContain("late");
    const onTime = await say(early.sessionId, ownerId, "Yes");
    expect(lastReply(onTime)).not.toContain("late");
    // Two to three weeks ahead is inside a 30-day cutoff: the question warns before, the answer says so after.
    await setPolicy({ cancelCutoffHours: 24 * 30 });
    const asked = await say(late.sessionId, ownerId, "Cancel my booking");
    expect(lastReply(asked)).toContain("This can't be undone. It's less than 720 hours before the start, so it will count as a late cancellation.");
    const cancelled = await say(late.sessionId, ownerId, "Yes");
    expect(cancelled.bookingInfo?.step).toBe("cancelled");
    expect(lastReply(cancelled)).toContain("It was less than 720 hours before the start, so it counts as a late cancellation.");
    const rows = await bookingRows(ownerId);
    expect(rows.find((row) => row.id === early.state.bookingInfo?.bookingId)).toMatchObject({ status: "cancelled", cancelled_by: "student", late_cancel: 0 });
    expect(rows.find((row) => row.id === late.state.bookingInfo?.bookingId)).toMatchObject({ status: "cancelled", cancelled_by: "student", late_cancel: 1 });
  });

  it("tells My bookings a cancel was late", async () => {
    const ownerId = newOwnerId();
    await verifiedAddresses(`${ownerId}@example.com`);
    const { state } = await book(ownerId, `Python on ${spoken(farMonday())} at 11am`);
    await setPolicy({ cancelCutoffHours: 24 * 30 });
    const answer = unwrapOk(await sidecar.cancelBooking(ownerId, state.bookingInfo!.bookingId!));
    // emailedTo: email is on in the workers tests (vitest.config.ts), so the cancellation email was queued.
    expect(answer).toEqual({ bookingId: state.bookingInfo!.bookingId, status: "cancelled", lateCancel: true, cutoffHours: 720, emailedTo: `${ownerId}@example.com` });
  });

  it("refuses invalid settings with a 400 and leaves the row as it was", async () => {
    const before = await settingsRow();
    for (const bad of [
      { timeZone: "Mars/Olympus_Mons" },
      { minLeadMinutes: -60 },
      { horizonDays: -1 },
      { weeklyCap: "2" },
      { cancelCutoffHours: null },
      { hours: [{ day: "monday", open: "17:00", close: "09:00" }] },
    ]) {
      const refused = await sidecar.staffUpdateCenterSettings(admin.session.token, { ...DEFAULT_SETTINGS, ...bad });
      expect(refused, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await sidecar.staffUpdateCenterSettings(admin.session.token, "not an object")).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffAddClosedDate(admin.session.token, { date: "2026-02-30", reason: "" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffRemoveClosedDate(admin.session.token, "tomorrow")).toMatchObject({ ok: false, error: { code: "bad_request:params" } });
    expect(await settingsRow()).toEqual(before);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM center_hours").first<{ n: number }>())?.n).toBe(7);
  });

  it("lets staff and tutors read the settings but only an admin change them", async () => {
    const before = await settingsRow();
    for (const role of ["staff", "tutor"] as const) {
      const member = await enrolled(await FakeAuthenticator.create(), role);
      expect(unwrapOk(await sidecar.staffCenterSettings(member.session.token)).name).toBe(DEFAULT_CENTER_POLICY.name);
      const changed = await sidecar.staffUpdateCenterSettings(member.session.token, { ...DEFAULT_SETTINGS, minLeadMinutes: 60 });
      expect(changed).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
      expect(await sidecar.staffAddClosedDate(member.session.token, { date: farMonday(), reason: "" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    }
    expect(await sidecar.staffCenterSettings("A".repeat(43))).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    expect(await settingsRow()).toEqual(before);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM center_closed_dates").first<{ n: number }>())?.n).toBe(0);
  });

  it("records who changed the settings and when", async () => {
    await setPolicy({ name: "Mission Campus Tutoring", weeklyCap: 3 });
    const row = await settingsRow();
    expect(row).toMatchObject({ name: "Mission Campus Tutoring", weekly_cap: 3, updated_by: admin.member.id });
    expect(row?.updated_at).toBeGreaterThan(0);
    expect(unwrapOk(await sidecar.centerPolicy(FIRST_CENTER))).toMatchObject({ name: "Mission Campus Tutoring", weeklyCap: 3 });
  });

  it("costs one D1 statement to read (the Center's, not a turn's), and one transaction of 9 statements to save that writes only what changed", async () => {
    await env.DB.prepare("INSERT INTO center_closed_dates (center_id, date, reason) VALUES ('main', '2020-01-01', 'past'), ('main', '2099-01-01', 'future')").run();
    const metered = meteredD1(env.DB);
    const policy = await readCenterPolicy(metered.db, { center: FIRST_CENTER, fromDate: "2026-01-01" });
    expect(policy.closedDates).toEqual([{ date: "2099-01-01", reason: "future" }]);
    // One statement: the settings row by key (1), the 7 weekday rows, the one closed date ahead (a key range, the past one unread).
    expect(metered.counts).toEqual({ statements: 1, rowsRead: COST.readRows, rowsWritten: 0 });

    metered.reset();
    await updateCenterSettings(metered.db, { center: FIRST_CENTER, settings: DEFAULT_SETTINGS, staffId: admin.member.id, now: Date.now() });
    // Saved unchanged: the settings row only (who and when); the seven weekdays are left as they are.
    expect(metered.counts).toMatchObject({ statements: 9, rowsWritten: COST.saveUnchangedWritten });

    // One weekday moved and one closed: those two rows change, the other five write nothing.
    metered.reset();
    const hours = DEFAULT_SETTINGS.hours.filter((day) => day.day !== "sunday").map((day) => (day.day === "monday" ? { ...day, open: "09:00" } : day));
    await updateCenterSettings(metered.db, { center: FIRST_CENTER, settings: { ...DEFAULT_SETTINGS, hours }, staffId: admin.member.id, now: Date.now() });
    const stored = await readCenterPolicy(env.DB, { center: FIRST_CENTER, fromDate: "2026-01-01" });
    expect(stored.hours.map((day) => day.day)).not.toContain("sunday");
    expect(stored.hours.find((day) => day.day === "monday")).toMatchObject({ open: "09:00" });
    expect(metered.counts.rowsWritten).toBeLessThanOrEqual(COST.saveUnchangedWritten + 2 * 2);
    await updateCenterSettings(env.DB, { center: FIRST_CENTER, settings: DEFAULT_SETTINGS, staffId: admin.member.id, now: Date.now() });
  });
});
