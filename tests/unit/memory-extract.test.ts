import { describe, expect, it } from "vitest";
import { extractFacts, MAX_EXTRACTED } from "../../lib/memory/extract";
import { planFacts, factId } from "../../lib/memory/facts";
import { avoidWindows, avoidsTime, avoidsTutor, memoryView } from "../../lib/memory/view";
import type { NewFact, StudentFact } from "../../lib/memory/schemas";
import { localNow } from "../../lib/calendar";
import { rankTutors } from "../../lib/tutoring/match";
import type { SearchCriteria, Tutor } from "../../lib/tutoring/schemas";

type Pair = [string, string];

function facts(message: string): Pair[] {
  return extractFacts(message)
    .map((fact): Pair => [fact.kind, fact.value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const STATES: Array<[string, Pair[]]> = [
  // goals
  ["I'm retaking Calc II", [["goal", "Calc II retake"]]],
  ["i am retaking organic chemistry this spring", [["goal", "organic chemistry retake"]]],
  ["I have an exam on Friday", [["goal", "exam on Friday"]]],
  ["I've got a Calc II exam next week", [["goal", "Calc II exam next week"]]],
  ["My midterm is on Monday", [["goal", "midterm on Monday"]]],
  ["there's a physics final tomorrow", [["goal", "physics final tomorrow"]]],
  ["I'm preparing for the SAT", [["goal", "SAT"]]],
  ["I am studying for my statistics final", [["goal", "statistics final"]]],
  // avoidances
  ["don't book me with Maya Chen", [["avoid_tutor", "Maya Chen"]]],
  ["Please don't put me with james again", [["avoid_tutor", "James"]]],
  ["no more sessions with Priya", [["avoid_tutor", "Priya"]]],
  ["anyone but Daniel Okafor", [["avoid_tutor", "Daniel Okafor"]]],
  ["I don't want Maya again", [["avoid_tutor", "Maya"]]],
  ["no mornings", [["avoid_time", "mornings"]]],
  ["No mornings please.", [["avoid_time", "mornings"]]],
  ["I can't do Fridays", [["avoid_time", "fridays"]]],
  ["never on weekends", [["avoid_time", "weekends"]]],
  ["evenings don't work for me", [["avoid_time", "evenings"]]],
  ["nothing before 10am", [["avoid_time", "before 10:00"]]],
  ["not after 6", [["avoid_time", "after 18:00"]]],
  ["no friday afternoons", [["avoid_time", "friday afternoons"]]],
  // preferences
  ["I prefer online", [["preferred_mode", "online"]]],
  ["I'd rather meet in person", [["preferred_mode", "in_person"]]],
  ["online works best for me", [["preferred_mode", "online"]]],
  ["face to face is better", [["preferred_mode", "in_person"]]],
  ["evenings work best", [["preferred_time", "evenings"]]],
  ["I prefer mornings", [["preferred_time", "mornings"]]],
  ["Mondays work best for me", [["preferred_day", "monday"]]],
  ["weekends are better", [["preferred_day", "weekends"]]],
  // corrections and contact
  ["actually my email is ada@example.edu", [["email", "ada@example.edu"]]],
  ["Sorry, my email address is ADA.L@Example.org.", [["email", "ada.l@example.org"]]],
  ["my email changed to new@example.com", [["email", "new@example.com"]]],
  ["use ada2@example.com instead", [["email", "ada2@example.com"]]],
  ["My name is Ada Lovelace", [["name", "Ada Lovelace"]]],
  ["actually, call me ada please", [["name", "Ada"]]],
  // several in one message
  [
    "Hi! I'm retaking Calc II and I prefer online. No mornings.",
    [["avoid_time", "mornings"], ["goal", "Calc II retake"], ["preferred_mode", "online"]],
  ],
];

const STATES_NOTHING = [
  "Python on Monday at 10",
  "hi",
  "yes",
  "no",
  "no thanks",
  "online",
  "in person",
  "exam review",
  "recursion homework for my exam",
  "Ada Lovelace, ada@example.com",
  "I don't prefer online",
  "I'm not retaking anything",
  "I don't have an exam",
  "Is there a test on Friday?",
  "do you prefer mornings?",
  "what's your email?",
  "email me the link",
  "don't book me yet",
  "don't book me with him",
  "call me later",
  "my name is not important",
  "my email isn't ada@example.com",
  "not Monday, Tuesday at 10",
  "no, with Maya please",
  "I'm preparing for it",
  "show me other tutors",
  "cancel my booking",
  "Calculus on Friday morning",
  "mornings",
  "I'd rather not say",
];

describe("fact extraction", () => {
  it.each(STATES)("learns from %j", (message, expected) => {
    expect(facts(message)).toEqual(expected);
  });

  it.each(STATES_NOTHING)("learns nothing from %j", (message) => {
    expect(facts(message)).toEqual([]);
  });

  it("states at most MAX_EXTRACTED facts per message", () => {
    const message = "My name is Ada. My email is ada@example.edu. I prefer online. Evenings work best. Mondays work best. No mornings. I'm retaking Calc II.";
    expect(extractFacts(message)).toHaveLength(MAX_EXTRACTED);
  });

  it("covers at least 40 phrasings", () => {
    expect(STATES.length + STATES_NOTHING.length).toBeGreaterThanOrEqual(40);
  });
});

const SOURCE = { type: "chat", chatId: "session-1700000000000-0123456789abcdef0123456789abcdef", seq: 1 } as const;

function proposed(kind: NewFact["kind"], value: string, confidence = 0.9, source: NewFact["source"] = SOURCE): NewFact {
  return { kind, value, confidence, source };
}

function stored(list: StudentFact[]): Map<string, StudentFact> {
  return new Map(list.map((fact) => [fact.id, fact]));
}

describe("which learned facts are written", () => {
  it("writes nothing when the fact is already known", () => {
    const known = planFacts(new Map(), [proposed("preferred_mode", "online")], 1).upserts;
    expect(planFacts(stored(known), [proposed("preferred_mode", "online")], 2)).toEqual({ upserts: [], deletes: [] });
  });

  it("lets a correction replace the email whatever its source", () => {
    const booking = planFacts(new Map(), [proposed("email", "old@example.com", 0.9, { type: "booking" })], 1).upserts;
    const plan = planFacts(stored(booking), [proposed("email", "new@example.com", 0.5)], 2);
    expect(plan.upserts.map((fact) => fact.value)).toEqual(["new@example.com"]);
  });

  it("keeps a stated preference over a booking's guess", () => {
    const said = planFacts(new Map(), [proposed("preferred_mode", "online")], 1).upserts;
    expect(planFacts(stored(said), [proposed("preferred_mode", "in_person", 0.6, { type: "booking" })], 2).upserts).toEqual([]);
  });

  it("drops the oldest value of a kind past its cap", () => {
    const goals = [1, 2, 3, 4, 5].flatMap((n) => planFacts(new Map(), [proposed("goal", `goal ${n}`)], n).upserts);
    const plan = planFacts(stored(goals), [proposed("goal", "goal 6")], 6);
    expect(plan.upserts.map((fact) => fact.id)).toEqual(["goal:goal-6"]);
    expect(plan.deletes).toEqual(["goal:goal-1"]);
  });

  it("keys a tutor by id and a goal by its words", () => {
    const detail = { tutorId: "t-001", subject: "Python", day: "monday", start: "10:00", mode: "online", outcome: "booked" } as const;
    expect(factId({ kind: "tutor", value: "Maya Chen", detail })).toBe("tutor:t-001");
    expect(factId({ kind: "goal", value: "Calc II retake" })).toBe("goal:calc-ii-retake");
    expect(factId({ kind: "email", value: "a@b.co" })).toBe("email");
  });
});

describe("the memory the assistant sees", () => {
  it("reads avoided times as windows", () => {
    expect(avoidWindows("mornings")).toEqual([{ from: 0, to: 720 }]);
    expect(avoidWindows("before 10:00")).toEqual([{ from: 0, to: 600 }]);
    expect(avoidWindows("friday afternoons")).toEqual([{ day: "friday", from: 720, to: 1020 }]);
    expect(avoidWindows("weekends")).toHaveLength(2);
    expect(avoidWindows("whenever")).toEqual([]);
    expect(avoidsTime(avoidWindows("mornings"), "monday", 11 * 60 + 30, 60)).toBe(true);
    expect(avoidsTime(avoidWindows("mornings"), "monday", 12 * 60, 60)).toBe(false);
  });

  it("matches an avoided tutor by full, first or last name only", () => {
    expect(avoidsTutor(["Maya"], "Maya Chen")).toBe(true);
    expect(avoidsTutor(["chen"], "Maya Chen")).toBe(true);
    expect(avoidsTutor(["Maya Chen"], "Maya Chen")).toBe(true);
    expect(avoidsTutor(["May"], "Maya Chen")).toBe(false);
  });

  it("offers the newest booked session, never a cancelled one or an avoided tutor", () => {
    const detail = { tutorId: "t-001", subject: "Python", day: "monday", start: "10:00", mode: "online", outcome: "booked" } as const;
    const booked: StudentFact = { id: "tutor:t-001", kind: "tutor", value: "Maya Chen", detail, source: { type: "booking" }, learnedAt: 1, confidence: 0.9 };
    expect(memoryView([booked], 2).lastSession).toMatchObject({ tutorId: "t-001", tutorName: "Maya Chen", day: "monday", start: "10:00" });
    expect(memoryView([{ ...booked, detail: { ...detail, outcome: "cancelled" } }], 2).lastSession).toBeUndefined();
    const avoid: StudentFact = { id: "avoid_tutor:maya", kind: "avoid_tutor", value: "Maya", source: SOURCE, learnedAt: 2, confidence: 0.9 };
    expect(memoryView([booked, avoid], 3).lastSession).toBeUndefined();
  });
});

describe("matching with the student's avoidances", () => {
  // Sunday, Nov 22 2026, 10:00 in San Francisco; the Monday asked for is Nov 23.
  const today = localNow(new Date("2026-11-22T18:00:00Z"));
  const criteria: SearchCriteria = { skill: "Python", day: "monday", date: "2026-11-23", timeFrom: "10:00", timeTo: "10:00", excludeTutorIds: [] };
  const tutors: Tutor[] = [
    { id: "t-a", name: "Maya Chen", subjects: ["Python"], bio: "", mode: "online", availability: [{ day: "monday", start: "09:00", end: "17:00" }] },
    { id: "t-b", name: "Diego Alvarez", subjects: ["Python"], bio: "", mode: "online", availability: [{ day: "monday", start: "09:00", end: "17:00" }] },
  ];

  it("leaves an avoided tutor out by first name", () => {
    const ranked = rankTutors(tutors, criteria, { today, avoid: { tutorNames: ["maya"], times: [] } });
    expect(ranked.map((entry) => entry.match.tutor.id)).toEqual(["t-b"]);
  });

  it("moves every offer out of an avoided time, to the nearest hour allowed", () => {
    const ranked = rankTutors(tutors, criteria, { today, avoid: { tutorNames: [], times: avoidWindows("mornings") } });
    expect(ranked.map((entry) => entry.match.slot.start)).toEqual(["12:00", "12:00"]);
  });
});
