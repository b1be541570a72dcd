import { describe, expect, it } from "vitest";
import { rephraseReplies, workersAiRephraser, type TextModel } from "../../lib/tutoring/rephrase";

const replies = [{ content: "Maya Chen is free Monday at 10:00. Want to book?", quickReplies: ["Book this tutor"] }];

describe("the optional LLM phrasing hook", () => {
  it("leaves replies untouched when no model is configured", async () => {
    expect(await rephraseReplies(replies, undefined)).toBe(replies);
  });

  it("rewords the text only, keeping quick replies", async () => {
    // A fake of Workers AI (an outside system): answers with a fixed rewording.
    const fakeAi: TextModel = { run: async () => ({ response: "Good news: Maya Chen is free Monday at 10:00. Shall I book her?" }) };
    const [reworded] = await rephraseReplies(replies, workersAiRephraser(fakeAi));
    expect(reworded).toEqual({ content: "Good news: Maya Chen is free Monday at 10:00. Shall I book her?", quickReplies: ["Book this tutor"] });
  });

  it("keeps the original wording when the model fails, answers nothing or rambles", async () => {
    for (const fake of [
      { run: async () => Promise.reject(new Error("model overloaded")) },
      { run: async () => ({ response: "   " }) },
      { run: async () => ({ response: "x".repeat(1_000) }) },
      { run: async () => ({ unexpected: true }) },
    ] satisfies TextModel[]) {
      expect(await rephraseReplies(replies, workersAiRephraser(fake))).toEqual(replies);
    }
  });
});
