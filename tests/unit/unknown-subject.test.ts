import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { localNow } from "../../lib/calendar";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { parseMessage } from "../../lib/tutoring/parse";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);
const subjects = [...new Set(SEED_TUTORS.flatMap((tutor) => tutor.subjects))].sort();

async function say(message: string, fields: SessionFields = EMPTY_SESSION_FIELDS): Promise<{ turn: AssistantTurn; fields: SessionFields }> {
  const turn = await respond({ fields, message, now: NOW, catalog });
  return { turn, fields: SessionFields.parse({ ...fields, ...turn.patch }) };
}

function last(turn: AssistantTurn): string {
  return turn.replies.at(-1)?.content ?? "";
}

describe("a subject the center does not offer", () => {
  it("says so and names the nearest subjects it does offer", async () => {
    const { turn } = await say("help with piano");
    expect(last(turn)).toMatch(/^We don't offer piano\. We do offer /);
    expect(last(turn)).not.toMatch(/didn't catch/);
    expect(turn.replies.at(-1)?.quickReplies?.length).toBeGreaterThan(0);
  });

  it("offers the subjects of the same family first", async () => {
    const { turn } = await say("i need a korean tutor");
    expect(last(turn)).toMatch(/We don't offer Korean\. We do offer [^.]*(Spanish|Japanese|Mandarin|French|German)/);
    expect(turn.replies.at(-1)?.quickReplies).toEqual(expect.arrayContaining(["Japanese"]));
  });

  it("keeps the day and time said with it, and does not count it as a misunderstanding", async () => {
    const { fields } = await say("guitar lessons on monday at 3");
    expect(fields.searchCriteria).toMatchObject({ day: "monday", timeFrom: "15:00" });
    expect(fields.searchCriteria?.misses).toBeUndefined();
    expect(fields.searchCriteria?.skill).toBeUndefined();
  });

  it("names a subject-like word it has never heard of without claiming to know it", async () => {
    const { turn } = await say("can I get help with zoology");
    expect(last(turn)).toMatch(/We don't have a subject called "zoology"\. We do offer /);
  });

  it("keeps the old answer for a message that names no subject", async () => {
    for (const message of ["asdfgh", "I need help with my homework", "help with this please"]) {
      const { turn } = await say(message);
      expect(last(turn), message).not.toMatch(/We don't/);
    }
  });

  it("reads a catalog's own subject as unknown when that catalog lacks it", () => {
    const parsed = parseMessage("python tutor", { subjects: ["Chemistry"], today: localNow(NOW) });
    expect(parsed.skill).toBeUndefined();
    expect(parsed.unknownSubject).toMatchObject({ name: "Python", known: true });
  });

  it("never takes a subject it offers, an alias or a topic for an unknown one", () => {
    for (const message of ["help with calc 2", "tutor for orgo", "help with derivatives", "help with stats", "learn python"]) {
      expect(parseMessage(message, { subjects, today: localNow(NOW) }).unknownSubject, message).toBeUndefined();
    }
  });
});
