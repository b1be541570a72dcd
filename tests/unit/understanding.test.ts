import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { parseMessage } from "../../lib/tutoring/parse";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const today = localNow(NOW);
const catalog = createMemoryCatalog(SEED_TUTORS);
const subjects = [...new Set(SEED_TUTORS.flatMap((tutor) => tutor.subjects))].sort();
const tutors = SEED_TUTORS.map((tutor) => tutor.name);

class Chat {
  fields: SessionFields = EMPTY_SESSION_FIELDS;

  async say(message: string): Promise<AssistantTurn> {
    const turn = await respond({ fields: this.fields, message, now: NOW, catalog });
    this.fields = SessionFields.parse({ ...this.fields, ...turn.patch });
    return turn;
  }
}

function last(turn: AssistantTurn): string {
  return turn.replies.at(-1)?.content ?? "";
}

function read(message: string) {
  return parseMessage(message, { subjects, tutors, today });
}

describe("vague times are windows the search honours and names", () => {
  it("reads 'after lunch' as 1 to 5 pm, offers a slot inside it, and says where it looked", async () => {
    const chat = new Chat();
    const turn = await chat.say("Calc 2 integration by parts is killing me. Thursday works, anytime after lunch");
    expect(chat.fields.searchCriteria).toMatchObject({ skill: "Calculus II", day: "thursday", date: "2026-11-19", timeFrom: "13:00", timeTo: "16:00" });
    const start = chat.fields.pendingMatch?.slot.start ?? "";
    expect(start >= "13:00" && start <= "16:00").toBe(true);
    expect(last(turn)).toContain("I looked between 13:00 and 17:00.");
  });

  it("reads '3ish' and 'after class' as windows, the explicit hour winning", () => {
    expect(read("need someone for stats asap, like today after class (3ish)")).toMatchObject({ skill: "Statistics", day: "wednesday", timeFrom: "14:30", timeTo: "15:30" });
    expect(read("monday after class")).toMatchObject({ day: "monday", timeFrom: "15:00" });
    expect(read("monday after class").timeTo).toBeUndefined();
    expect(read("late afternoon friday")).toMatchObject({ day: "friday", timeFrom: "15:00", timeTo: "16:59" });
  });
});

describe("asap and today search the soonest slots the center allows", () => {
  it("offers the soonest opening for 'asap' without asking for a day or time", async () => {
    const chat = new Chat();
    const turn = await chat.say("python asap");
    expect(chat.fields.searchCriteria).toMatchObject({ skill: "Python", date: "2026-11-18", timeFrom: "08:00", timeTo: "20:59" });
    expect(chat.fields.searchCriteria?.day).toBeUndefined();
    expect(last(turn)).toMatch(/^The soonest I can book: /);
    // Nothing earlier: every Python tutor's first free hour from now is no sooner than the one offered.
    const offered = chat.fields.pendingMatch?.slot;
    for (const match of chat.fields.availableTutors) expect(`${match.slot.date} ${match.slot.start}` >= `${offered?.date} ${offered?.start}`).toBe(true);
  });

  it("offers today's soonest hour for 'today' instead of asking what time", async () => {
    const chat = new Chat();
    const turn = await chat.say("python today");
    expect(chat.fields.pendingMatch?.slot.date).toBe("2026-11-18");
    expect(last(turn)).toMatch(/^The soonest today: /);
  });
});

describe("subjects as the center names them", () => {
  it.each([
    ["MATH 151 tutor monday at 10", "Calculus I"],
    ["cs 110a", "Python"],
    ["psych stats? tuesday", "Statistics"],
    ["chem 1a tutor friday at 10", "Chemistry"],
    ["recursion in java is destroying me", "Java"],
    ["¿Hay tutores de español el jueves a las 10?", "Spanish"],
  ])("reads %j as %s", (message, skill) => {
    expect(read(message).skill).toBe(skill);
  });

  it("keeps a course number out of the time", () => {
    expect(read("bio 101 tmr at 3")).toMatchObject({ skill: "Biology", day: "thursday", timeFrom: "15:00", timeTo: "15:00" });
  });
});

describe("days and times students write", () => {
  it.each([
    ["spanish, thursday, 9", { day: "thursday", timeFrom: "09:00", timeTo: "09:00" }],
    ["next friday at 1", { date: "2026-11-27", timeFrom: "13:00" }],
    ["no wait, 4 not 3", { timeFrom: "16:00", timeTo: "16:00" }],
    ["actually nvm thursday doesn't work, friday?", { day: "friday" }],
    ["ENGL 1A paper due friday, can i get help thursday at 4", { day: "thursday", timeFrom: "16:00" }],
    ["11/24 at 3pm", { date: "2026-11-24", timeFrom: "15:00" }],
    ["el miércoles a las 3", { day: "wednesday", timeFrom: "15:00" }],
    ["mañana por la tarde", { date: "2026-11-19", timeFrom: "12:00", timeTo: "16:59" }],
    ["después de comer", { timeFrom: "13:00", timeTo: "16:00" }],
  ])("reads %j", (message, expected) => {
    expect(read(message)).toMatchObject(expected);
  });
});

describe("a tutor or a way to meet asked for", () => {
  it("offers the tutor asked for by name, and others when asked", async () => {
    const chat = new Chat();
    await chat.say("python with Diego on monday at 11");
    expect(chat.fields.searchCriteria).toMatchObject({ skill: "Python", tutorName: "Diego Alvarez" });
    expect(chat.fields.pendingMatch?.tutor.name).toBe("Diego Alvarez");
    await chat.say("show me other tutors");
    expect(chat.fields.pendingMatch?.tutor.name).not.toBe("Diego Alvarez");
    expect(chat.fields.searchCriteria?.tutorName).toBeUndefined();
  });

  it("says so when the tutor asked for does not teach the subject", async () => {
    const turn = await new Chat().say("biology with Maya on monday at 3");
    expect(last(turn)).toMatch(/^Maya Chen doesn't teach Biology\. /);
  });

  it("offers only tutors who meet the way asked for, and carries it into the form", async () => {
    const chat = new Chat();
    await chat.say("in person python monday at 10");
    expect(chat.fields.searchCriteria?.mode).toBe("in_person");
    expect(chat.fields.pendingMatch?.tutor.mode).not.toBe("online");
    expect(read("chem tutor online tomorrow at 3")).toMatchObject({ mode: "online", skill: "Chemistry" });
    expect(read("help with my online class on monday").mode).toBeUndefined();
  });

  it("understands a way to meet said on its own", async () => {
    const chat = new Chat();
    const turn = await chat.say("online please");
    expect(chat.fields.searchCriteria?.mode).toBe("online");
    expect(last(turn)).not.toMatch(/didn't catch/);
  });
});
