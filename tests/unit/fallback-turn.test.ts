import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS } from "../../lib/schemas";
import { fallbackTurn } from "../../lib/tutoring/fallback-turn";

const NOW = new Date("2026-11-22T18:00:00Z");

describe("the stateless fallback assistant", () => {
  it("answers from the seed catalog and returns the new fields", async () => {
    const turn = await fallbackTurn({ content: "I need help with Python on Monday at 10", fields: EMPTY_SESSION_FIELDS, recent: [] }, NOW);
    expect(turn.fields.pendingMatch?.tutor.subjects).toContain("Python");
    expect(turn.replies.length).toBeGreaterThan(0);
  });

  it("never claims a message to staff was sent when nothing could store it", async () => {
    const turn = await fallbackTurn({ content: "Leave a message for the tutoring center", fields: EMPTY_SESSION_FIELDS, recent: [] }, NOW);
    expect(turn.replies.at(-1)?.content).toMatch(/was not sent/);
  });
});
