import { describe, expect, it } from "vitest";
import { normalizeClockInput, TutorHours } from "../../lib/staff/tutor-schemas";

describe("a tutor's hours as staff type them", () => {
  it.each([
    ["9", "09:00"],
    ["9:00", "09:00"],
    ["09:00", "09:00"],
    ["9am", "09:00"],
    ["9 AM", "09:00"],
    ["9:30pm", "21:30"],
    ["12pm", "12:00"],
    ["12am", "00:00"],
    ["21.30", "21:30"],
    [" 14:00 ", "14:00"],
  ])("reads %j as %s", (typed, clock) => {
    expect(normalizeClockInput(typed)).toBe(clock);
  });

  it.each(["25", "13pm", "9:7", "nine", "", "9:00:00"])("leaves %j for the schema to refuse", (typed) => {
    expect(normalizeClockInput(typed)).toBe(typed);
  });

  it("accepts a range typed loosely and stores it as HH:MM", () => {
    expect(TutorHours.parse({ day: "monday", start: "9", end: "11am" })).toEqual({ day: "monday", start: "09:00", end: "11:00" });
  });

  it("says one thing per problem: a time off the half-hour grid is one error, an unreadable one is one error", () => {
    const offGrid = TutorHours.safeParse({ day: "monday", start: "9", end: "10:45" });
    expect(offGrid.success).toBe(false);
    expect(offGrid.error!.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["end", "use a time on the hour or the half hour"]]);
    const unreadable = TutorHours.safeParse({ day: "monday", start: "nine", end: "11:00" });
    expect(unreadable.error!.issues.map((issue) => issue.path.join("."))).toEqual(["start"]);
  });
});
