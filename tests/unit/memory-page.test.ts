import { describe, expect, it } from "vitest";
import { correctedFact } from "../../lib/memory/correction";
import { factValueText, sourceText } from "../../lib/memory/describe";

const NOV_23 = Date.UTC(2026, 10, 23, 15);

describe("the memory page's words", () => {
  it("says where each fact came from", () => {
    expect(sourceText({ type: "booking", bookingId: "bk-1" }, NOV_23)).toBe("from your booking on Nov 23");
    expect(sourceText({ type: "chat", chatId: "c".repeat(21), seq: 3 }, NOV_23)).toBe("you said it in a chat on Nov 23");
    expect(sourceText({ type: "student_edit" }, NOV_23)).toBe("you changed it on Nov 23");
  });

  it("shows a tutor with the session's pattern and outcome, and a mode in words", () => {
    const detail = { tutorId: "t-001", subject: "Python", day: "monday" as const, start: "10:00", mode: "online" as const, outcome: "no_show" as const };
    expect(factValueText({ kind: "tutor", value: "Maya Chen", detail })).toBe("Maya Chen (Python, Mondays at 10:00, online, missed)");
    expect(factValueText({ kind: "preferred_mode", value: "in_person" })).toBe("In person");
  });
});

describe("a student's correction", () => {
  it("keeps a valid email lowercased, as the student's edit with full confidence", () => {
    expect(correctedFact("email", " Ada@Example.EDU ")).toEqual({ ok: true, fact: { kind: "email", value: "ada@example.edu", source: { type: "student_edit" }, confidence: 1 } });
  });

  it.each([
    ["email", "not an email"],
    ["name", "Hi Kim"],
    ["preferred_day", "someday"],
    ["preferred_time", "noon"],
    ["preferred_mode", "by carrier pigeon"],
    ["tutor", "Someone else"],
    ["avoid_tutor", "Nobody"],
    ["last_interaction", "Nothing happened"],
  ] as const)("refuses %s = %j", (kind, value) => {
    expect(correctedFact(kind, value).ok).toBe(false);
  });

  it("reads a mode and a day the way the assistant stores them", () => {
    expect(correctedFact("preferred_mode", "In person")).toMatchObject({ ok: true, fact: { value: "in_person" } });
    expect(correctedFact("preferred_day", "Weekends")).toMatchObject({ ok: true, fact: { value: "weekends" } });
  });
});
