import { describe, expect, it } from "vitest";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { parseContact, parseDetails, parseMessage, type ParsedMessage } from "../../lib/tutoring/parse";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const today = localNow(NOW);
const subjects = [...new Set(SEED_TUTORS.flatMap((tutor) => tutor.subjects))].sort();

function parse(text: string, strict = false): ParsedMessage {
  return parseMessage(text, { subjects, today, strict });
}

/** Like toMatchObject, but a key expected as undefined must really be absent or undefined. */
function expectUnderstood(actual: object, expected: object): void {
  const values = new Map(Object.entries(actual));
  const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, values.get(key)]));
  expect(picked).toEqual(expected);
}

const NOTHING = { intent: undefined, skill: undefined, skillOptions: undefined, day: undefined, timeFrom: undefined, timeTo: undefined };
const MONDAY = { day: "monday", date: "2026-11-23" } as const;
const at = (clock: string) => ({ timeFrom: clock, timeTo: clock });

/** [what the student types, what must be understood]; keys set to undefined must be absent. */
const PHRASINGS: Array<[string, Partial<ParsedMessage>]> = [
  // Everything at once.
  ["I need help with Python on Monday at 10", { skill: "Python", ...MONDAY, ...at("10:00"), intent: undefined }],
  ["python at 10 on wed", { skill: "Python", day: "wednesday", date: "2026-11-18", ...at("10:00") }],
  ["calc 2 at 10", { skill: "Calculus II", ...at("10:00") }],
  ["python monday 10", { skill: "Python", ...MONDAY, ...at("10:00") }],
  ["Monday 3 problems in calc 2", { skill: "Calculus II", ...MONDAY, timeFrom: undefined }],
  ["Good morning, stats after 3pm", { greeting: true, skill: "Statistics", timeFrom: "15:00", timeTo: undefined }],
  ["I'm free mondays after 4", { ...MONDAY, timeFrom: "16:00", timeTo: undefined }],
  // Subjects, aliases, case and typos.
  ["python", { skill: "Python" }],
  ["PYTHON", { skill: "Python" }],
  ["pyhton", { skill: "Python" }],
  ["Pythn please", { skill: "Python" }],
  ["calc 2", { skill: "Calculus II" }],
  ["Calc II", { skill: "Calculus II" }],
  ["calculus 2", { skill: "Calculus II" }],
  ["calculas 2", { skill: "Calculus II" }],
  ["calc 1", { skill: "Calculus I" }],
  ["calculas", { skill: undefined, skillOptions: ["Calculus I", "Calculus II"] }],
  ["calculus I need help", { skill: undefined, skillOptions: ["Calculus I", "Calculus II"] }],
  ["stats", { skill: "Statistics" }],
  ["statistcs homework", { skill: "Statistics" }],
  ["js", { skill: "JavaScript" }],
  ["JavaScript", { skill: "JavaScript" }],
  ["node.js", { skill: "JavaScript" }],
  ["Java", { skill: "Java" }],
  ["c++", { skill: "C++" }],
  ["cpp", { skill: "C++" }],
  ["essay writing", { skill: "Essay Writing" }],
  ["help with my essay", { skill: "Essay Writing", intent: undefined }],
  ["research paper", { skill: "Research Papers" }],
  ["ESL", { skill: "ESL" }],
  ["Spanich", { skill: "Spanish" }],
  ["chinese", { skill: "Mandarin" }],
  ["orgo", { skill: "Organic Chemistry" }],
  ["organic chemistry", { skill: "Organic Chemistry" }],
  ["linear algebra", { skill: "Linear Algebra" }],
  ["Anatomy & Physiology", { skill: "Anatomy & Physiology", skillOptions: undefined }],
  ["chemestry", { skill: "Chemistry" }],
  ["biolgy", { skill: "Biology" }],
  ["econ", { skill: "Economics" }],
  ["Accounting", { skill: "Accounting" }],
  ["pre-calc", { skill: "Precalculus" }],
  ["math", { skill: undefined, skillOptions: ["Algebra", "Precalculus", "Calculus I", "Calculus II", "Statistics", "Linear Algebra"] }],
  ["python and java", { skill: undefined, skillOptions: ["Python", "Java"] }],
  ["python programming", { skill: "Python", skillOptions: undefined }],
  // Days.
  ["mon", MONDAY],
  ["tues at 2pm", { day: "tuesday", date: "2026-11-24", ...at("14:00") }],
  ["today", { day: "wednesday", date: "2026-11-18" }],
  ["wednesday", { day: "wednesday", date: "2026-11-18" }],
  ["next wednesday", { day: "wednesday", date: "2026-11-25" }],
  ["tomorrow morning", { day: "thursday", date: "2026-11-19", timeFrom: "08:00", timeTo: "11:59" }],
  ["this weekend", { day: "saturday", date: "2026-11-21", altDay: "sunday" }],
  ["weekend", { day: "saturday", date: "2026-11-21" }],
  ["thrusday", { day: "thursday", date: "2026-11-19" }],
  ["wendesday at 3", { day: "wednesday", ...at("15:00") }],
  ["sunday at 9am", { day: "sunday", date: "2026-11-22", ...at("09:00") }],
  ["Nov 23", MONDAY],
  ["tonight", { day: "wednesday", timeFrom: "17:00", timeTo: "20:59" }],
  ["monday or tuesday", { ...MONDAY, altDay: "tuesday" }],
  // Times.
  ["10", at("10:00")],
  ["3", at("15:00")],
  ["at 7", at("19:00")],
  ["10am", at("10:00")],
  ["10:30", at("10:30")],
  ["2pm", at("14:00")],
  ["2 p.m.", at("14:00")],
  ["14:00", at("14:00")],
  ["noon", at("12:00")],
  ["after 3pm", { timeFrom: "15:00", timeTo: undefined }],
  ["before noon", { timeFrom: undefined, timeTo: "11:00" }],
  ["morning", { timeFrom: "08:00", timeTo: "11:59" }],
  ["afternoon", { timeFrom: "12:00", timeTo: "16:59" }],
  ["evening", { timeFrom: "17:00", timeTo: "20:59" }],
  ["between 2 and 5pm", { timeFrom: "14:00", timeTo: "16:00" }],
  ["10-12", { timeFrom: "10:00", timeTo: "11:00" }],
  ["any time", { anyTime: true, timeFrom: undefined }],
  // Numbers that are not times, and words that are not days.
  ["in 10 minutes", NOTHING],
  ["I have 3 problems due", NOTHING],
  ["around 10 pages", NOTHING],
  ["chapters 2-4", NOTHING],
  ["SAT prep", { day: undefined }],
  ["25:00", { timeFrom: undefined }],
  // Commands.
  ["hi", { ...NOTHING, greeting: true }],
  ["good morning", { ...NOTHING, greeting: true }],
  ["I need help", NOTHING],
  ["help", { intent: "help" }],
  ["show me other tutors", { intent: "other_tutors" }],
  ["other tutors", { intent: "other_tutors" }],
  ["Can you show me other tutors?", { intent: "other_tutors" }],
  ["someone else please", { intent: "other_tutors" }],
  ["book", { intent: "book" }],
  ["Book it!", { intent: "book" }],
  ["Yes, book it", { intent: "book" }],
  ["yes", { intent: "affirm" }],
  ["ok", { intent: "affirm" }],
  ["no", { intent: "deny" }],
  ["start over", { intent: "start_over" }],
  ["reset", { intent: "start_over" }],
  ["cancel", { intent: "cancel" }],
  ["cancel my booking", { intent: "cancel_booking" }],
  ["please cancel my booking", { intent: "cancel_booking" }],
  ["change the time", { intent: "change_time" }],
  ["different time", { intent: "change_time" }],
  ["back", { intent: "back" }],
  ["go back", { intent: "back" }],
  ["leave a message", { intent: "leave_message" }],
  ["I want to talk to a human", { intent: "leave_message" }],
  ["thanks!", { intent: "thanks" }],
  // Nonsense gets nothing, so the assistant asks again.
  ["asdfgh", NOTHING],
  ["what's the weather", NOTHING],
];

describe("parseMessage", () => {
  it("covers at least 60 phrasings", () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(PHRASINGS)("understands %j", (text, expected) => {
    expectUnderstood(parse(text), expected);
  });

  it("keeps the student's capitals in a note for the tutoring center", () => {
    expect(parse("Leave a message: Please call Ada back")).toMatchObject({ intent: "leave_message", note: "Please call Ada back" });
  });

  it("only recognizes subjects the catalog carries", () => {
    expect(parseMessage("python", { subjects: ["Chemistry"], today }).skill).toBeUndefined();
    expect(parseMessage("chem", { subjects: ["Chemistry"], today }).skill).toBe("Chemistry");
  });

  it("returns the catalog's spelling of a subject", () => {
    expect(parseMessage("PYTHON", { subjects: ["python"], today }).skill).toBe("python");
  });

  it("ignores commands buried in free text when strict", () => {
    expect(parse("I'd like to go back over recursion and start over on my essay", true).intent).toBeUndefined();
    expect(parse("go back", true).intent).toBe("back");
  });

  it("resolves a weekend on a Sunday to that same Sunday", () => {
    const sunday = localNow(new Date("2026-11-22T18:00:00Z"));
    expect(parseMessage("this weekend", { subjects, today: sunday })).toMatchObject({ day: "sunday", date: "2026-11-22" });
  });
});

describe("parseContact", () => {
  it("reads a name and an email from one message", () => {
    expect(parseContact("Ada Lovelace, ada@example.com")).toEqual({ name: "Ada Lovelace", email: "ada@example.com", invalidEmail: false });
  });

  it("reads a name on its own and capitalizes a lowercase one", () => {
    expectUnderstood(parseContact("my name is ada lovelace"), { name: "Ada Lovelace", email: undefined });
  });

  it("reads an email on its own", () => {
    expectUnderstood(parseContact("my email is Ada@Example.com"), { name: undefined, email: "ada@example.com" });
  });

  it("flags an address without a domain as invalid", () => {
    expectUnderstood(parseContact("Ada Lovelace, ada@example"), { name: "Ada Lovelace", email: undefined, invalidEmail: true });
  });

  it("does not take a sentence for a name", () => {
    expect(parseContact("I don't know").name).toBeUndefined();
  });
});

describe("parseDetails", () => {
  it("takes the mode named first, and keeps a later mention in the topic", () => {
    expect(parseDetails("Online. practice in person interviews")).toEqual({ mode: "online", anyMode: false, intake: "practice in person interviews" });
    expect(parseDetails("In person. review my online course notes")).toEqual({ mode: "in_person", anyMode: false, intake: "review my online course notes" });
  });

  it("reads the mode and the topic from one message", () => {
    expect(parseDetails("In person please, I want to work on recursion")).toEqual({ mode: "in_person", anyMode: false, intake: "recursion" });
  });

  it("reads a bare mode without inventing a topic", () => {
    expect(parseDetails("online")).toEqual({ mode: "online", anyMode: false });
  });

  it("reads a topic without a mode", () => {
    expectUnderstood(parseDetails("exam review for chapter 4"), { mode: undefined, intake: "exam review for chapter 4" });
  });

  it("understands no preference", () => {
    expectUnderstood(parseDetails("either is fine"), { mode: undefined, anyMode: true });
  });
});
