import { SLOT_TOOL_NAME, type SlotReader, type SlotTool } from "../lib/tutoring/model-reader";

/**
 * The model-backed reader over Workers AI (`AI` binding), used only when an admin turned it on (the
 * center setting `assistantReader`) and the binding is present. One call per unsure message, one tool offered, a small answer allowed;
 * what the model answers is validated in lib/tutoring/model-reader.ts before anything reads it.
 */

/** Minimal view of the Workers AI binding for a function-calling model, so nothing else of it is assumed. */
export interface ToolModel {
  run(model: string, input: ToolModelInput): Promise<unknown>;
}

export interface ToolModelInput {
  messages: { role: "system" | "user"; content: string }[];
  tools: SlotTool[];
  max_tokens: number;
}

/** A Workers AI model documented for traditional function calling. */
export const DEFAULT_READER_MODEL = "@hf/nousresearch/hermes-2-pro-mistral-7b";
/** The tool call's arguments fit in this; a model that writes more is cut off and its call fails validation. */
export const READER_MAX_TOKENS = 96;

const SYSTEM =
  "You read one message a student sent a tutoring center's booking assistant. If it asks for tutoring, call the tool once with what it says: the subject (only from the list), the day or date, the earliest and latest start time, a tutor (only from the list), online or in person. Leave out anything the message does not say. Never guess. If it is not a request, do not call the tool.";

export function workersAiSlotReader(ai: ToolModel, model = DEFAULT_READER_MODEL): SlotReader {
  return async ({ message, tool, today }) => {
    const output = await ai.run(model, {
      messages: [
        { role: "system", content: `${SYSTEM} Today is ${today.weekday} ${today.date}.` },
        { role: "user", content: message },
      ],
      tools: [tool],
      max_tokens: READER_MAX_TOKENS,
    });
    return toolArguments(output);
  };
}

/** The arguments of the first call to our tool, parsed from JSON when the model sent a string; undefined when none. */
export function toolArguments(output: unknown): unknown {
  if (typeof output !== "object" || output === null || !("tool_calls" in output) || !Array.isArray(output.tool_calls)) return undefined;
  const call: unknown = output.tool_calls.find((entry: unknown) => typeof entry === "object" && entry !== null && "name" in entry && entry.name === SLOT_TOOL_NAME);
  if (typeof call !== "object" || call === null || !("arguments" in call)) return undefined;
  if (typeof call.arguments !== "string") return call.arguments;
  try {
    // Validated against the catalog by mergeSlots before anything reads it.
    const parsed: unknown = JSON.parse(call.arguments);
    return parsed;
  } catch {
    return undefined;
  }
}
