import type { TextModel } from "../../lib/tutoring/rephrase";
import type { ToolModel } from "../../services/slot-reader";

type Message = { role: "system" | "user"; content: string };
/** What a call sent: the messages, and for a function-calling model its tools and answer budget. */
type FakeCall = { model: string; messages: Message[]; tools?: unknown[]; maxTokens?: number };

/**
 * A FAKE of Workers AI (the `AI` binding's `run`), for tests only; nothing in
 * the sidecar imports it. It records every call and answers what it was told:
 * a text (as `{ response }`), any raw output, a failure, or an answer held
 * until the test releases it (to put another call in between, or to let a timeout pass).
 * For function calling it answers a tool call (`calling`), and counts what each
 * call sent so a test can state the cost of an exchange.
 */
export class FakeWorkersAi implements TextModel, ToolModel {
  readonly calls: FakeCall[] = [];
  private held: { release: () => void; ready: Promise<void> } | null = null;

  constructor(private answer: unknown) {}

  /** A fake that answers `{ response: text }`. */
  static saying(text: string): FakeWorkersAi {
    return new FakeWorkersAi({ response: text });
  }

  /** A function-calling fake that answers one call of `tool` with `args` (an object, or a string as some models send). */
  static calling(tool: string, args: unknown): FakeWorkersAi {
    return new FakeWorkersAi({ tool_calls: [{ name: tool, arguments: args }] });
  }

  /** Characters a call sent the model (messages and tool schemas): about four per token. */
  static promptChars(call: FakeCall): number {
    return call.messages.reduce((sum, message) => sum + message.content.length, 0) + JSON.stringify(call.tools ?? []).length;
  }

  /** Answers `{ response: text }` from now on. */
  say(text: string): void {
    this.answer = { response: text };
  }

  /** The next answers wait until `release()` is called. */
  hold(): () => void {
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    this.held = { release, ready };
    return release;
  }

  async run(model: string, input: { messages: Message[]; tools?: unknown[]; max_tokens?: number }): Promise<unknown> {
    this.calls.push({
      model,
      messages: input.messages,
      ...(input.tools ? { tools: input.tools } : {}),
      ...(input.max_tokens !== undefined ? { maxTokens: input.max_tokens } : {}),
    });
    if (this.held) await this.held.ready;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}
