import type { AssistantReply } from "./turn-types";

/**
 * The optional LLM hook: it may reword the assistant's replies, never decide
 * anything. It sees only the reply text; quick replies, the state patch and
 * effects stay exactly as the deterministic assistant made them. Any failure,
 * slowness or empty answer keeps the original wording.
 */
export type Rephraser = (text: string) => Promise<string>;

const TIMEOUT_MS = 3_000;
const MAX_GROWTH = 2;

export async function rephraseReplies(replies: AssistantReply[], rephrase: Rephraser | undefined): Promise<AssistantReply[]> {
  if (!rephrase) return replies;
  return Promise.all(
    replies.map(async (reply) => {
      try {
        const reworded = (await withTimeout(rephrase(reply.content), TIMEOUT_MS)).trim();
        // A model that rambles or returns nothing loses its turn to the original.
        if (!reworded || reworded.length > reply.content.length * MAX_GROWTH + 40) return reply;
        return { ...reply, content: reworded };
      } catch {
        return reply;
      }
    }),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("rephrase timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** Minimal view of the Workers AI binding, so nothing else of it is assumed. */
export interface TextModel {
  run(model: string, input: { messages: { role: "system" | "user"; content: string }[] }): Promise<unknown>;
}

export const DEFAULT_PHRASING_MODEL = "@cf/meta/llama-3.1-8b-instruct";

/** A Rephraser over Workers AI (`AI` binding), used only when ASSISTANT_PHRASING=llm. */
export function workersAiRephraser(ai: TextModel, model = DEFAULT_PHRASING_MODEL): Rephraser {
  return async (text) => {
    const output = await ai.run(model, {
      messages: [
        {
          role: "system",
          content:
            "Reword the tutoring assistant's message to sound warm and natural. Keep every fact, name, date, time and number exactly. Plain text, no markdown, no new information. Reply with the reworded message only.",
        },
        { role: "user", content: text },
      ],
    });
    const response = typeof output === "object" && output !== null && "response" in output ? output.response : undefined;
    if (typeof response !== "string") throw new Error("unexpected model output");
    return response;
  };
}
