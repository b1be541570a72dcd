import { describe, expect, it } from "vitest";
import { cell, seriesToCsv } from "../../lib/analytics/csv";
import { AnalyticsQuery, emptyCounts, increments } from "../../lib/analytics/events";
import { feedbackByKind, helpfulText } from "../../lib/analytics/feedback";
import { addCount, buildSeries, HOUR_MS, localHourLabel, type HourCounts } from "../../lib/analytics/series";

const ZONE = "America/Los_Angeles";
/** 2026-11-01 00:00 PDT: the day DST ends, 25 hours long in Los Angeles. */
const FALL_BACK_START = Date.UTC(2026, 10, 1, 7);
/** 2026-03-08 00:00 PST: the day DST starts, 23 hours long. */
const SPRING_FORWARD_START = Date.UTC(2026, 2, 8, 8);

function everyHour(start: number, hours: number): HourCounts {
  const counts: HourCounts = new Map();
  for (let i = 0; i < hours; i++) addCount(counts, start + i * HOUR_MS, "message", 1);
  return counts;
}

describe("analytics series in the center's time zone", () => {
  it("gives the day DST ends 25 hours and the day it starts 23, each counted in its own day", () => {
    const fall = buildSeries({ from: "2026-11-01", to: "2026-11-01", granularity: "hour" }, ZONE, everyHour(FALL_BACK_START - 24 * HOUR_MS, 73));
    expect(fall.buckets).toHaveLength(25);
    expect(fall.buckets.map((bucket) => bucket.label).slice(0, 3)).toEqual(["2026-11-01T00:00-07:00", "2026-11-01T01:00-07:00", "2026-11-01T01:00-08:00"]);
    const days = buildSeries({ from: "2026-10-31", to: "2026-11-02", granularity: "day" }, ZONE, everyHour(FALL_BACK_START - 24 * HOUR_MS, 73));
    expect(days.buckets.map((bucket) => [bucket.label, bucket.counts.message])).toEqual([
      ["2026-10-31", 24],
      ["2026-11-01", 25],
      ["2026-11-02", 24],
    ]);
    const spring = buildSeries({ from: "2026-03-08", to: "2026-03-08", granularity: "day" }, ZONE, everyHour(SPRING_FORWARD_START, 30));
    expect(spring.buckets[0]!.counts.message).toBe(23);
  });

  it("labels an hour with its local time and offset", () => {
    expect(localHourLabel(Date.UTC(2026, 10, 23, 22), ZONE)).toBe("2026-11-23T14:00-08:00");
    expect(localHourLabel(Date.UTC(2026, 10, 23, 22), "UTC")).toBe("2026-11-23T22:00+00:00");
  });

  it("refuses a range backwards, too long for its granularity, or of dates that do not exist", () => {
    const valid = (query: unknown) => AnalyticsQuery.safeParse(query).success;
    expect(valid({ from: "2026-11-01", to: "2026-11-07", granularity: "hour" })).toBe(true);
    expect(valid({ from: "2026-11-01", to: "2026-11-08", granularity: "hour" })).toBe(false);
    expect(valid({ from: "2026-09-01", to: "2026-12-01", granularity: "day" })).toBe(true);
    expect(valid({ from: "2026-09-01", to: "2026-12-02", granularity: "day" })).toBe(false);
    expect(valid({ from: "2026-11-02", to: "2026-11-01", granularity: "day" })).toBe(false);
    expect(valid({ from: "2026-02-29", to: "2026-03-01", granularity: "day" })).toBe(false);
  });
});

describe("the analytics CSV", () => {
  it("has a header and one row per bucket, with the exact average first-reply wait", () => {
    const hours: HourCounts = new Map();
    addCount(hours, FALL_BACK_START, "staff_first_reply", 2);
    addCount(hours, FALL_BACK_START, "staff_first_reply_ms", 150_000);
    addCount(hours, FALL_BACK_START, "chat_started", 3);
    addCount(hours, FALL_BACK_START, "feedback_down_bot", 1);
    const csv = seriesToCsv(buildSeries({ from: "2026-11-01", to: "2026-11-02", granularity: "day" }, ZONE, hours));
    expect(csv.split("\r\n")).toEqual([
      "time,chats_started,messages,bookings_made,bookings_cancelled,late_cancels,no_shows,handoffs,first_staff_replies,feedback_up,feedback_down,avg_first_reply_seconds,feedback_up_assistant,feedback_down_assistant,feedback_up_bot,feedback_down_bot,feedback_up_cancel_notice,feedback_down_cancel_notice,feedback_up_unanswered,feedback_down_unanswered,feedback_up_other,feedback_down_other,bookings_moved,feedback_up_waitlist_notice,feedback_down_waitlist_notice",
      "2026-11-01,3,0,0,0,0,0,0,2,0,0,75,0,0,0,1,0,0,0,0,0,0,0,0,0",
      "2026-11-02,0,0,0,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0,0",
      "",
    ]);
  });

  it("has a bookings_moved column, after the first file's columns so they keep their places, with each bucket's moves", () => {
    const hours: HourCounts = new Map();
    addCount(hours, FALL_BACK_START, "booking_made", 2);
    addCount(hours, FALL_BACK_START, "booking_moved", 1);
    addCount(hours, FALL_BACK_START + 30 * HOUR_MS, "booking_moved", 3);
    const [header, first, second] = seriesToCsv(buildSeries({ from: "2026-11-01", to: "2026-11-02", granularity: "day" }, ZONE, hours)).split("\r\n");
    const column = header!.split(",").indexOf("bookings_moved");
    // The first file's columns end at feedback_down_other; later ones (moves, then waitlist-offer votes) follow it.
    expect(column).toBe(header!.split(",").indexOf("feedback_down_other") + 1);
    expect(header!.split(",").slice(column)).toEqual(["bookings_moved", "feedback_up_waitlist_notice", "feedback_down_waitlist_notice"]);
    expect([first, second].map((row) => row!.split(",")[column])).toEqual(["1", "3"]);
    expect(first!.split(",")[header!.split(",").indexOf("bookings_made")]).toBe("2");
  });

  it("quotes and defuses any cell a spreadsheet would misread", () => {
    expect(cell("=HYPERLINK(\"x\")")).toBe(`"'=HYPERLINK(""x"")"`);
    expect(cell("+1")).toBe("'+1");
    expect(cell("-3")).toBe("-3");
    expect(cell("a,b")).toBe('"a,b"');
    expect(cell("2026-11-23T14:00-08:00")).toBe("2026-11-23T14:00-08:00");
  });
});

describe("feedback per reply kind", () => {
  it("gives each kind its net 👍/👎 and share helpful, and no share where a count is negative or there is none", () => {
    const counts = { ...emptyCounts(), feedback_up_assistant: 3, feedback_down_assistant: 1, feedback_up_bot: -1, feedback_down_bot: 2 };
    const rows = feedbackByKind(counts);
    expect(rows.map((row) => [row.kind, row.up, row.down, helpfulText(row.helpful)])).toEqual([
      ["assistant", 3, 1, "75%"],
      ["bot", -1, 2, "—"],
      ["cancel_notice", 0, 0, "—"],
      ["unanswered", 0, 0, "—"],
      ["other", 0, 0, "—"],
      ["waitlist_notice", 0, 0, "—"],
      ["all", 2, 3, "40%"],
    ]);
  });

  it("turns a vote's changes into net counts: set +1, clear -1, a change moves one", () => {
    expect(increments({ type: "reply_vote", kind: "assistant", from: null, to: "up" })).toEqual([["feedback_up_assistant", 1]]);
    expect(increments({ type: "reply_vote", kind: "bot", from: "up", to: "down" })).toEqual([["feedback_up_bot", -1], ["feedback_down_bot", 1]]);
    expect(increments({ type: "reply_vote", kind: "other", from: "down", to: null })).toEqual([["feedback_down_other", -1]]);
    expect(increments({ type: "reply_vote", kind: "other", from: "down", to: "down" })).toEqual([]);
  });
});
