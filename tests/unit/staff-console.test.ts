import { describe, expect, it } from "vitest";
import { consoleSections } from "../../lib/staff/console-sections";
import { isStaffPath } from "../../lib/staff-path";
import { inboxStateText } from "../../lib/staff/inbox-state";
import { scheduleActions } from "../../lib/staff/schedule";

describe("the staff console's header", () => {
  it("links the sections each role may use: tutors get no inbox, analytics or members; only admins manage members", () => {
    expect(consoleSections("admin").map((section) => section.label)).toEqual(["Inbox", "Schedule", "Tutors", "Settings", "Analytics", "Members"]);
    expect(consoleSections("staff").map((section) => section.label)).toEqual(["Inbox", "Schedule", "Tutors", "Settings", "Analytics"]);
    expect(consoleSections("tutor").map((section) => section.label)).toEqual(["Schedule", "Tutors", "Settings"]);
  });

  it("is the header of every console page and of no student page", () => {
    for (const path of ["/staff", "/staff/inbox", "/staff/sign-in", "/staff/invite/abc", "/staff/tutors/t-001"]) expect(isStaffPath(path)).toBe(true);
    for (const path of ["/", "/tutors", "/bookings", "/notifications", "/staffroom", "/memory"]) expect(isStaffPath(path)).toBe(false);
  });
});

describe("what the schedule offers on a booking", () => {
  const confirmed = { status: "confirmed" as const, started: false, attendance: null };

  it("offers staff the cancel on a confirmed session that has not started, and attendance only once it has", () => {
    expect(scheduleActions(confirmed, true)).toEqual({ cancel: true, markAttendance: false });
    expect(scheduleActions(confirmed, false)).toEqual({ cancel: false, markAttendance: false });
  });

  it("offers no cancel once the session has started or its attendance is recorded: it happened", () => {
    expect(scheduleActions({ ...confirmed, started: true }, true)).toEqual({ cancel: false, markAttendance: true });
    expect(scheduleActions({ ...confirmed, started: true, attendance: "attended" }, true)).toEqual({ cancel: false, markAttendance: true });
    expect(scheduleActions({ ...confirmed, attendance: "no_show" }, true).cancel).toBe(false);
    expect(scheduleActions({ status: "ended", started: true, attendance: "no_show" }, true)).toEqual({ cancel: false, markAttendance: true });
  });

  it("offers nothing on a cancelled session", () => {
    expect(scheduleActions({ status: "cancelled", started: true, attendance: null }, true)).toEqual({ cancel: false, markAttendance: false });
  });
});

describe("what the staff inbox says above its list", () => {
  it("says it is loading until the first answer, never a bare heading; nothing after a failed load (the error speaks)", () => {
    expect(inboxStateText(null, false)).toBe("Loading the inbox…");
    expect(inboxStateText(null, true)).toBeNull();
  });

  it("says plainly that no conversation waits, and how many staff are answering", () => {
    expect(inboxStateText({ waiting: 0, leased: 0 }, false)).toBe("No conversations are waiting.");
    expect(inboxStateText({ waiting: 0, leased: 2 }, false)).toBe("No conversations are waiting. 2 being answered by staff.");
    expect(inboxStateText({ waiting: 3, leased: 0 }, false)).toBeNull();
  });
});
