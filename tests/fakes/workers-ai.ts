import type { TextModel } from "../../lib/tutoring/rephrase";

/**
 * A FAKE of Workers AI (the `AI` binding's `run`), for tests only; nothing in
 * the sidecar imports it. It records every call and answers what it was told:
 * a text (as `{ response }`), any raw output, a failure, or an answer held
 * until the test releases it (to put another call in between).
 */
export class FakeWorkersAi implements TextModel {
  readonly calls: { model: string; messages: { role: "system" | "user"; content: string }[] }[] = [];
  private held: { release: () => void; ready: Promise<void> } | null = null;

  constructor(private answer: unknown) {}

  /** A fake that answers `{ response: text }`. */
  static saying(text: string): FakeWorkersAi {
    return new FakeWorkersAi({ response: text });
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

  async run(model: string, input: { messages: { role: "system" | "user"; content: string }[] }): Promise<unknown> {
    this.calls.push({ model, messages: input.messages });
    if (this.held) await this.held.ready;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}
