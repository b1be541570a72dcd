import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { matchKind, rankTutors } from "../../lib/tutoring/match";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { Tutor, type AvailabilitySlot, type SearchCriteria } from "../../lib/tutoring/schemas";
import { catalogContract } from "../catalog-contract";

// Sunday, Nov 22 2026, 10:00 in San Francisco; the Monday asked for is Nov 23.
const today = localNow(new Date("2026-11-22T18:00:00Z"));
const MONDAY_AT_10: SearchCriteria = { skill: "Python", day: "monday", date: "2026-11-23", timeFrom: "10:00", timeTo: "10:00", excludeTutorIds: [] };

function tutor(id: string, availability: AvailabilitySlot[], subjects = ["Python"]): Tutor {
  return { id, name: `Tutor ${id}`, subjects, bio: "", mode: "online", availability };
}

function rank(tutors: Tutor[], criteria: Partial<SearchCriteria> = {}) {
  return rankTutors(tutors, { ...MONDAY_AT_10, ...criteria }, { today });
}

describe("rankTutors", () => {
  it("puts a tutor free at the exact hour above one free later that day, above one free another day", () => {
    const tutors = [
      tutor("t-a", [{ day: "tuesday", start: "10:00", end: "12:00" }]),
      tutor("t-b", [{ day: "monday", start: "13:00", end: "15:00" }]),
      tutor("t-c", [{ day: "monday", start: "09:00", end: "12:00" }]),
    ];
    const ranked = rank(tutors);
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-c", "t-b", "t-a"]);
    expect(ranked.map((r) => r.kind)).toEqual(["exact", "same_day", "other_day"]);
  });

  it("only offers tutors who teach the skill, ignoring case", () => {
    const ranked = rank([tutor("t-a", [{ day: "monday", start: "09:00", end: "12:00" }], ["Chemistry"]), tutor("t-b", [{ day: "monday", start: "09:00", end: "12:00" }], ["python"])]);
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-b"]);
  });

  it("breaks ties between equally good tutors by id", () => {
    const slot: AvailabilitySlot = { day: "monday", start: "10:00", end: "12:00" };
    const ranked = rank([tutor("t-9", [slot]), tutor("t-2", [slot]), tutor("t-5", [slot])]);
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-2", "t-5", "t-9"]);
  });

  it("never offers an excluded tutor", () => {
    const slot: AvailabilitySlot = { day: "monday", start: "10:00", end: "12:00" };
    const ranked = rank([tutor("t-1", [slot]), tutor("t-2", [slot])], { excludeTutorIds: ["t-1"] });
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-2"]);
  });

  it("never offers an hour that overlaps a booked session, moving to the nearest free one", () => {
    const busy = tutor("t-1", [{ day: "monday", start: "09:00", end: "12:00" }]);
    const booked = [{ tutorId: "t-1", date: "2026-11-23", start: "10:00" }];
    const [best] = rankTutors([busy], MONDAY_AT_10, { today, booked });
    expect(best?.match.slot.start).toBe("09:00");
    expect(best?.kind).toBe("same_day");
    const fullyBooked = [...booked, { tutorId: "t-1", date: "2026-11-23", start: "09:00" }, { tutorId: "t-1", date: "2026-11-23", start: "11:00" }];
    const [nextWeek] = rankTutors([busy], MONDAY_AT_10, { today, booked: fullyBooked });
    expect(nextWeek?.match.slot.date).toBe("2026-11-30");
  });

  it("starts the hour at the requested time when the slot covers it", () => {
    const [best] = rank([tutor("t-1", [{ day: "monday", start: "09:00", end: "12:00" }])], { timeFrom: "10:30", timeTo: "10:30" });
    expect(best?.match.slot).toEqual({ day: "monday", date: "2026-11-23", start: "10:30", end: "11:30" });
  });

  it("offers the nearest start when the requested time is outside the slot", () => {
    const [later] = rank([tutor("t-1", [{ day: "monday", start: "13:00", end: "16:00" }])]);
    const [earlier] = rank([tutor("t-2", [{ day: "monday", start: "06:00", end: "09:00" }])]);
    expect(later?.match.slot.start).toBe("13:00");
    expect(earlier?.match.slot.start).toBe("08:00");
    expect(later?.match.reason).toContain("not free at 10:00");
  });

  it("skips slots too short for an hour", () => {
    expect(rank([tutor("t-1", [{ day: "monday", start: "10:00", end: "10:45" }])])).toEqual([]);
  });

  it("does not let an hour run past the end of a slot", () => {
    const [best] = rank([tutor("t-1", [{ day: "monday", start: "09:00", end: "10:30" }])]);
    expect(best?.match.slot).toMatchObject({ start: "09:30", end: "10:30" });
    expect(best?.kind).toBe("same_day");
  });

  it("prefers the earliest start inside a wide window such as the afternoon", () => {
    const ranked = rank(
      [tutor("t-1", [{ day: "monday", start: "15:00", end: "17:00" }]), tutor("t-2", [{ day: "monday", start: "12:00", end: "14:00" }])],
      { timeFrom: "12:00", timeTo: "16:59" },
    );
    expect(ranked.map((r) => [r.match.tutor.id, r.match.slot.start])).toEqual([
      ["t-2", "12:00"],
      ["t-1", "15:00"],
    ]);
  });

  it("offers other days nearest to the requested one first, and says so", () => {
    const ranked = rank([tutor("t-far", [{ day: "friday", start: "10:00", end: "12:00" }]), tutor("t-near", [{ day: "tuesday", start: "10:00", end: "12:00" }])]);
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-near", "t-far"]);
    expect(ranked[0]?.match.slot.date).toBe("2026-11-24");
    expect(ranked[0]?.match.reason).toBe("teaches Python; not free Monday, nearest opening Tuesday 10:00");
  });

  it("never offers an hour that has already started today", () => {
    // Today is Sunday 10:00: a Sunday 09:00–11:00 slot has no full hour left, so next week's is offered.
    const [best] = rank([tutor("t-1", [{ day: "sunday", start: "09:00", end: "11:00" }])], { day: "sunday", date: "2026-11-22", timeFrom: "09:00", timeTo: "09:00" });
    expect(best?.match.slot.date).toBe("2026-11-29");
    expect(best?.kind).toBe("other_day");
  });

  it("moves today's offer past the current time when the slot still has room", () => {
    const [best] = rank([tutor("t-1", [{ day: "sunday", start: "09:00", end: "13:00" }])], { day: "sunday", date: "2026-11-22", timeFrom: "09:00", timeTo: "09:00" });
    expect(best?.match.slot).toMatchObject({ date: "2026-11-22", start: "10:30" });
  });

  it("with no day asked, prefers the soonest opening", () => {
    const ranked = rankTutors(
      [tutor("t-1", [{ day: "thursday", start: "10:00", end: "12:00" }]), tutor("t-2", [{ day: "monday", start: "10:00", end: "12:00" }])],
      { skill: "Python", date: today.date, timeFrom: "10:00", timeTo: "10:00", excludeTutorIds: [] },
      { today },
    );
    expect(ranked.map((r) => r.match.tutor.id)).toEqual(["t-2", "t-1"]);
    expect(ranked.every((r) => r.kind === "exact")).toBe(true);
  });

  it("returns at most the limit", () => {
    const tutors = Array.from({ length: 8 }, (_, i) => tutor(`t-${i}`, [{ day: "monday", start: "10:00", end: "12:00" }]));
    expect(rankTutors(tutors, MONDAY_AT_10, { today, limit: 3 })).toHaveLength(3);
    expect(rank(tutors)).toHaveLength(5);
  });

  it("keeps each kind of match inside its own score band", () => {
    expect(matchKind(3000)).toBe("exact");
    expect(matchKind(2001)).toBe("exact");
    expect(matchKind(2000)).toBe("same_day");
    expect(matchKind(1001)).toBe("same_day");
    expect(matchKind(1000)).toBe("other_day");
    expect(matchKind(1)).toBe("other_day");
  });

  it("gives two different Python tutors free Monday at 10 in the seed catalog", () => {
    const ranked = rank(SEED_TUTORS.filter((t) => t.subjects.includes("Python")));
    expect(ranked[0]?.kind).toBe("exact");
    expect(ranked[1]?.kind).toBe("exact");
    expect(ranked[0]?.match.tutor.id).not.toBe(ranked[1]?.match.tutor.id);
  });
});

describe("seed catalog", () => {
  it("holds valid tutors with unique ids", () => {
    expect(() => z.array(Tutor).parse(SEED_TUTORS)).not.toThrow();
    expect(SEED_TUTORS.length).toBeGreaterThanOrEqual(44);
    expect(new Set(SEED_TUTORS.map((t) => t.id)).size).toBe(SEED_TUTORS.length);
  });

  it("covers at least 28 subjects, each taught by someone", () => {
    expect(new Set(SEED_TUTORS.flatMap((t) => t.subjects)).size).toBeGreaterThanOrEqual(28);
  });

  it("has at least three Python tutors", () => {
    expect(SEED_TUTORS.filter((t) => t.subjects.includes("Python")).length).toBeGreaterThanOrEqual(3);
  });

  it("keeps every slot's start before its end", () => {
    const backwards = SEED_TUTORS.flatMap((t) => t.availability.filter((slot) => slot.start >= slot.end).map(() => t.id));
    expect(backwards).toEqual([]);
  });
});

// The catalog contract the D1 catalog also passes (tests/workers/catalog.test.ts).
catalogContract("createMemoryCatalog", async (tutors) => createMemoryCatalog(tutors));
