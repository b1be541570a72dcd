import { describe, expect, it } from "vitest";
import {
  CenterSettingsInput,
  DEFAULT_CENTER_POLICY,
  bookingRulesText,
  checkSlot,
  isLateCancel,
  isTimeZone,
  startsAt,
  weekAt,
  weekOf,
  workingWeekAt,
  type CenterPolicy,
} from "../../lib/center/policy";
import { EMPTY_SESSION_FIELDS } from "../../lib/schemas";
import { respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { rankTutors } from "../../lib/tutoring/match";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";

// Monday, Nov 23 2026, 14:00 in San Francisco (PST, UTC-8).
const NOW = new Date("2026-11-23T22:00:00Z");
const MINUTE = 60_000;
const policy = (changes: Partial<CenterPolicy> = {}): CenterPolicy => ({ ...DEFAULT_CENTER_POLICY, ...changes });
const slot = (date: string, start: string, end: string) => ({ date, start, end });

describe("the lead time", () => {
  const dayAhead = policy({ minLeadMinutes: 24 * 60 });

  it("allows a session exactly 24 hours away and refuses one a minute less, naming the earliest time", () => {
    expect(checkSlot(dayAhead, slot("2026-11-24", "14:00", "15:00"), NOW)).toEqual({ ok: true });
    const refused = checkSlot(dayAhead, slot("2026-11-24", "14:00", "15:00"), new Date(NOW.getTime() + MINUTE));
    expect(refused).toEqual({
      ok: false,
      rule: "lead_time",
      explanation: "Sessions need at least 24 hours' notice, so the earliest I can book is Tuesday, Nov 24 at 14:30.",
    });
  });

  it("counts real hours across the end of daylight saving time", () => {
    // Saturday Oct 31, 14:00 PDT; Sunday Nov 1 is an hour longer.
    const saturday = new Date("2026-10-31T21:00:00Z");
    expect(checkSlot(dayAhead, slot("2026-11-01", "13:00", "14:00"), saturday).ok).toBe(true);
    expect(checkSlot(dayAhead, slot("2026-11-01", "12:30", "13:30"), saturday)).toMatchObject({ ok: false, rule: "lead_time" });
  });

  it("with no lead time, allows any start from now on", () => {
    expect(checkSlot(policy(), slot("2026-11-23", "14:00", "15:00"), NOW).ok).toBe(true);
    expect(checkSlot(policy(), slot("2026-11-23", "13:30", "14:30"), NOW)).toMatchObject({ rule: "lead_time" });
  });
});

describe("the booking horizon", () => {
  it("allows the last day and refuses the next, naming the latest day", () => {
    const ninety = policy({ horizonDays: 90 });
    expect(checkSlot(ninety, slot("2027-02-21", "10:00", "11:00"), NOW).ok).toBe(true);
    expect(checkSlot(ninety, slot("2027-02-22", "10:00", "11:00"), NOW)).toEqual({
      ok: false,
      rule: "horizon",
      explanation: "I can book at most 90 days ahead, so the latest day is Sunday, Feb 21.",
    });
  });
});

describe("closed dates and opening hours", () => {
  it("refuses a closed date with its reason", () => {
    const closed = policy({ closedDates: [{ date: "2026-11-26", reason: "Thanksgiving" }] });
    expect(checkSlot(closed, slot("2026-11-26", "10:00", "11:00"), NOW)).toEqual({
      ok: false,
      rule: "closed_date",
      explanation: "The center is closed on Thursday, Nov 26 (Thanksgiving).",
    });
    expect(checkSlot(closed, slot("2026-11-27", "10:00", "11:00"), NOW).ok).toBe(true);
  });

  it("allows a session that starts at opening and one that ends at closing, and nothing past either", () => {
    const short = policy({ hours: [{ day: "monday", open: "09:00", close: "17:00" }] });
    expect(checkSlot(short, slot("2026-11-30", "09:00", "10:00"), NOW).ok).toBe(true);
    expect(checkSlot(short, slot("2026-11-30", "16:00", "17:00"), NOW).ok).toBe(true);
    expect(checkSlot(short, slot("2026-11-30", "08:30", "09:30"), NOW)).toMatchObject({ rule: "closed_hours" });
    expect(checkSlot(short, slot("2026-11-30", "16:30", "17:30"), NOW)).toEqual({
      ok: false,
      rule: "closed_hours",
      explanation: "On Mondays the center is open 09:00–17:00, so sessions must fit inside those hours.",
    });
  });

  it("treats a weekday without hours as closed", () => {
    const weekdays = policy({ hours: DEFAULT_CENTER_POLICY.hours.filter((hours) => hours.day !== "sunday") });
    expect(checkSlot(weekdays, slot("2026-11-29", "10:00", "11:00"), NOW)).toEqual({ ok: false, rule: "closed_hours", explanation: "The center is closed on Sundays." });
  });
});

describe("a late cancel", () => {
  const session = { date: "2026-11-24", start: "14:00" };
  it("is on time exactly at the cutoff and late a minute after", () => {
    const rules = policy({ cancelCutoffHours: 24 });
    expect(isLateCancel(rules, session, NOW)).toBe(false);
    expect(isLateCancel(rules, session, new Date(NOW.getTime() + MINUTE))).toBe(true);
  });

  it("is never late with a cutoff of 0 hours before the start", () => {
    expect(isLateCancel(policy({ cancelCutoffHours: 0 }), session, new Date(startsAt(DEFAULT_CENTER_POLICY, session) - MINUTE))).toBe(false);
  });
});

describe("the week a session belongs to", () => {
  it("runs Monday to Sunday: the Sunday daylight saving ends is the last day of its week", () => {
    expect(weekOf("2026-11-01")).toEqual({ monday: "2026-10-26", sunday: "2026-11-01" });
    expect(weekOf("2026-11-02")).toEqual({ monday: "2026-11-02", sunday: "2026-11-08" });
  });

  it("places an instant by the center's clock, across both daylight saving changes", () => {
    const rules = policy();
    expect(weekAt(rules, new Date("2026-11-02T07:59:00Z")).monday).toBe("2026-10-26"); // Sunday 23:59 PST
    expect(weekAt(rules, new Date("2026-11-02T08:00:00Z")).monday).toBe("2026-11-02"); // Monday 00:00 PST
    expect(weekAt(rules, new Date("2026-03-09T06:59:00Z")).monday).toBe("2026-03-02"); // Sunday 23:59 PDT
    expect(weekAt(rules, new Date("2026-03-09T07:00:00Z")).monday).toBe("2026-03-09"); // Monday 00:00 PDT
    expect(weekAt(policy({ timeZone: "UTC" }), new Date("2026-11-02T07:59:00Z")).monday).toBe("2026-11-02");
  });
});

describe("the settings an admin saves", () => {
  const valid = { ...DEFAULT_CENTER_POLICY, closedDates: undefined };
  const { closedDates: _closed, ...input } = valid;

  it("accepts the defaults and an IANA zone, and refuses an unknown zone", () => {
    expect(CenterSettingsInput.safeParse(input).success).toBe(true);
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(CenterSettingsInput.safeParse({ ...input, timeZone: "Mars/Olympus_Mons" }).success).toBe(false);
  });

  it("refuses negative numbers, wrong types, a day twice and hours that close before they open", () => {
    for (const bad of [
      { minLeadMinutes: -1 },
      { horizonDays: 0 },
      { weeklyCap: 0 },
      { cancelCutoffHours: "24" },
      { noShowLimit: 1.5 },
      { name: "   " },
      { hours: [{ day: "monday", open: "10:00", close: "10:00" }] },
      { hours: [{ day: "monday", open: "09:00", close: "17:00" }, { day: "monday", open: "18:00", close: "20:00" }] },
      { extra: true },
    ]) {
      expect(CenterSettingsInput.safeParse({ ...input, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("words the rules for students", () => {
    expect(bookingRulesText(policy({ minLeadMinutes: 24 * 60, weeklyCap: 2 }))).toBe(
      "Booking rules: book at least 24 hours ahead; up to 90 days ahead; at most 2 sessions a week; cancel at least 24 hours before a session, or it counts as a late cancellation.",
    );
  });
});

describe("the assistant under the center's rules", () => {
  const catalog = createMemoryCatalog(SEED_TUTORS);
  const dayAhead = policy({ minLeadMinutes: 24 * 60 });

  it("never offers a slot the lead time, a closed date or the opening hours forbid", async () => {
    const rules = policy({
      minLeadMinutes: 24 * 60,
      closedDates: [{ date: "2026-11-30", reason: "" }],
      hours: DEFAULT_CENTER_POLICY.hours.map((hours) => ({ ...hours, open: "11:00" })),
    });
    const tutors = await catalog.findBySkill("Python");
    const criteria = { skill: "Python", day: "monday" as const, date: "2026-11-23", timeFrom: "10:00", timeTo: "10:00", excludeTutorIds: [] };
    const ranked = rankTutors(tutors, criteria, { today: localNow(NOW), limit: 50, policy: { rules, now: NOW } });
    expect(ranked.length).toBeGreaterThan(0);
    for (const { match } of ranked) expect(checkSlot(rules, match.slot, NOW), JSON.stringify(match.slot)).toEqual({ ok: true });
  });

  it("says why a time 2 hours away is refused and offers the nearest allowed slot", async () => {
    const turn = await respond({ fields: EMPTY_SESSION_FIELDS, message: "Python today at 4pm", now: NOW, catalog, policy: dayAhead });
    const text = turn.replies.map((reply) => reply.content).join("\n");
    expect(text).toContain("Sessions need at least 24 hours' notice, so the earliest I can book is Tuesday, Nov 24 at 14:00.");
    expect(text).toContain("The nearest time I can book:");
    expect(checkSlot(dayAhead, turn.patch.pendingMatch!.slot, NOW)).toEqual({ ok: true });
  });

  it("keeps the old behaviour under the defaults: no notice needed for a later hour today", async () => {
    const turn = await respond({ fields: EMPTY_SESSION_FIELDS, message: "Python today at 4pm", now: NOW, catalog });
    expect(turn.replies.map((reply) => reply.content).join("\n")).not.toContain("notice");
  });
});

describe("the week a schedule opens on", () => {
  const policy = { ...DEFAULT_CENTER_POLICY, timeZone: "America/Los_Angeles" };
  const at = (iso: string) => workingWeekAt(policy, new Date(iso));

  it("is this week while the center still opens in it, Sunday included", () => {
    // Sunday, Dec 6 2026 at 18:30 in San Francisco: open until 22:00.
    expect(at("2026-12-07T02:30:00Z")).toEqual({ monday: "2026-11-30", sunday: "2026-12-06" });
    expect(at("2026-12-02T18:00:00Z")).toEqual({ monday: "2026-11-30", sunday: "2026-12-06" });
  });

  it("is the next week once the center has closed for the last time this week", () => {
    // Sunday, Dec 6 at 22:30: closed since 22:00.
    expect(at("2026-12-07T06:30:00Z")).toEqual({ monday: "2026-12-07", sunday: "2026-12-13" });
    // Saturday evening, with Sundays closed.
    const noSundays = { ...policy, hours: policy.hours.filter((entry) => entry.day !== "sunday") };
    expect(workingWeekAt(noSundays, new Date("2026-12-06T06:30:00Z"))).toEqual({ monday: "2026-12-07", sunday: "2026-12-13" });
  });
});
