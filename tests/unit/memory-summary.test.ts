import { describe, expect, it } from "vitest";
import { sourceText } from "../../lib/memory/describe";
import { dayOf, expiresAt, nextCheck } from "../../lib/memory/retention";
import type { StudentFact } from "../../lib/memory/schemas";
import { NewFact } from "../../lib/memory/schemas";
import { SUMMARY_DELAY_MS, SUMMARY_EVERY_MS, SummaryText, summaryAt, summaryDue, summaryModelOf, summaryPrompt, writeSummary } from "../../lib/memory/summary";
import { DAY_MS } from "../../lib/schemas";
import { FakeWorkersAi } from "../fakes/workers-ai";

const NOV_23 = Date.UTC(2026, 10, 23, 15, 30);
const chat = { type: "chat" as const, chatId: "c".repeat(21), seq: 1 };

function fact(kind: StudentFact["kind"], value: string, learnedAt: number): StudentFact {
  return { id: kind, kind, value, source: kind === "summary" ? { type: "model" } : chat, learnedAt, confidence: 0.8 };
}

describe("the model summary's rules", () => {
  it("accepts short plain text, folding whitespace", () => {
    expect(SummaryText.parse("  Ada studies Python\n with Maya Chen on Mondays.  ")).toBe("Ada studies Python with Maya Chen on Mondays.");
  });

  it("refuses text too short, too long, with markdown, markup or links, or not text at all", () => {
    for (const output of ["Ada.", "a".repeat(201), "**Ada** studies Python on Mondays", "Ada studies <b>Python</b> on Mondays", "Ada studies Python: see https://example.com", "# Ada studies Python with Maya", 42, undefined]) {
      expect(SummaryText.safeParse(output).success).toBe(false);
    }
  });

  it("calls a model only with ASSISTANT_MEMORY=llm and an AI binding both", () => {
    const ai = FakeWorkersAi.saying("unused");
    expect(summaryModelOf({ ASSISTANT_MEMORY: "llm", AI: ai })).toBe(ai);
    expect(summaryModelOf({ ASSISTANT_MEMORY: "deterministic", AI: ai })).toBeUndefined();
    expect(summaryModelOf({ AI: ai })).toBeUndefined();
    expect(summaryModelOf({ ASSISTANT_MEMORY: "llm" })).toBeUndefined();
  });

  it("is due with facts and no summary, or after a change once 6 hours have passed", () => {
    const goal = fact("goal", "Calc II retake", NOV_23);
    expect(summaryDue([], NOV_23)).toBe(false);
    expect(summaryDue([goal], NOV_23)).toBe(true);
    const summary = fact("summary", "Ada is retaking Calc II this term.", NOV_23 + 1);
    expect(summaryDue([goal, summary], NOV_23 + 2 * SUMMARY_EVERY_MS)).toBe(false);
    const newer = fact("name", "Ada", NOV_23 + 2);
    expect(summaryDue([goal, summary, newer], NOV_23 + SUMMARY_EVERY_MS)).toBe(false);
    expect(summaryDue([goal, summary, newer], NOV_23 + 1 + SUMMARY_EVERY_MS)).toBe(true);
  });

  it("is scheduled a quarter hour after learning, and not within 6 hours of the last one", () => {
    expect(summaryAt([], NOV_23)).toBe(NOV_23 + SUMMARY_DELAY_MS);
    expect(summaryAt([fact("summary", "Ada is retaking Calc II this term.", NOV_23)], NOV_23 + 1)).toBe(NOV_23 + SUMMARY_EVERY_MS);
  });

  it("shows the model the facts as labelled lines, never its own old summary", () => {
    const facts = [fact("name", "Ada", NOV_23), fact("summary", "Old words about Ada, from before.", NOV_23), fact("preferred_mode", "in_person", NOV_23)];
    expect(summaryPrompt(facts)).toBe("Your name: Ada\nPreferred mode: In person");
  });

  it("turns a good answer into a summary fact and anything else into nothing", async () => {
    const facts = [fact("goal", "Calc II retake", NOV_23)];
    expect(await writeSummary(FakeWorkersAi.saying("Ada is retaking Calc II this term."), facts)).toEqual({
      kind: "summary",
      value: "Ada is retaking Calc II this term.",
      source: { type: "model" },
      confidence: 0.5,
    });
    expect(await writeSummary(FakeWorkersAi.saying("x".repeat(500)), facts)).toBeUndefined();
    expect(await writeSummary(new FakeWorkersAi(new Error("overloaded")), facts)).toBeUndefined();
    expect(await writeSummary(new FakeWorkersAi("not an object"), facts)).toBeUndefined();
  });

  it("never arrives through a learning call: a summary or a model source is not a fact to learn", () => {
    expect(NewFact.safeParse({ kind: "summary", value: "Ada is retaking Calc II this term.", source: { type: "model" }, confidence: 1 }).success).toBe(false);
    expect(NewFact.safeParse({ kind: "name", value: "Ada", source: { type: "model" }, confidence: 1 }).success).toBe(false);
    expect(NewFact.safeParse({ kind: "summary", value: "Ada is retaking Calc II this term.", source: chat, confidence: 1 }).success).toBe(false);
  });

  it("says where it came from in words on the memory page", () => {
    expect(sourceText({ type: "model" }, NOV_23)).toBe("written by an AI model on Nov 23");
  });
});

describe("the memory's retention by tier", () => {
  it("counts whole UTC days from the last use: free 30, pro 90, premium 365", () => {
    const day = dayOf(NOV_23);
    expect(day).toBe(Date.UTC(2026, 10, 23));
    expect(expiresAt(day, "free")).toBe(day + 30 * DAY_MS);
    expect(expiresAt(day, "pro")).toBe(day + 90 * DAY_MS);
    expect(expiresAt(day, "premium")).toBe(day + 365 * DAY_MS);
  });

  it("checks again at the expiry, but at least every 30 days so a downgrade is seen", () => {
    const day = dayOf(NOV_23);
    expect(nextCheck(day, "free", NOV_23)).toBe(day + 30 * DAY_MS);
    expect(nextCheck(day, "premium", NOV_23)).toBe(NOV_23 + 30 * DAY_MS);
    expect(nextCheck(day, "pro", day + 80 * DAY_MS)).toBe(day + 90 * DAY_MS);
  });
});
