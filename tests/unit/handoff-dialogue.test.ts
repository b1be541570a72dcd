import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS, SessionFields } from "../../lib/schemas";
import { describeEffectOutcome, respond, type AssistantTurn } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { QUICK } from "../../lib/tutoring/commands";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";

// Sunday, Nov 22 2026, 10:00 in San Francisco. "Monday" is Nov 23.
const NOW = new Date("2026-11-22T18:00:00Z");
const catalog = createMemoryCatalog(SEED_TUTORS);

/** A conversation with the pure assistant: every patch is applied and must still be valid state. */
class Chat {
  fields: SessionFields = EMPTY_SESSION_FIELDS;

  async say(message: string): Promise<AssistantTurn> {
    const turn = await respond({ fields: this.fields, message, now: NOW, catalog });
    this.fields = SessionFields.parse({ ...this.fields, ...turn.patch });
    return turn;
  }

  async sayAll(...messages: string[]): Promise<AssistantTurn> {
    let last: AssistantTurn | undefined;
    for (const message of messages) last = await this.say(message);
    if (!last) throw new Error("no messages");
    return last;
  }
}

const text = (turn: AssistantTurn) => turn.replies.map((reply) => reply.content).join("\n");
const quick = (turn: AssistantTurn) => turn.replies.at(-1)?.quickReplies ?? [];
const sent = (turn: AssistantTurn) => (turn.effect?.type === "leave_message" ? turn.effect.note : undefined);

describe("leaving a message for the tutoring center", () => {
  it("asks what to pass on before sending anything", async () => {
    const chat = new Chat();
    const turn = await chat.sayAll("hi", QUICK.leaveMessage);
    expect(turn.effect).toBeUndefined();
    expect(text(turn)).toMatch(/what would you like me to tell the tutoring center/i);
    expect(quick(turn)).toEqual([QUICK.cancel]);
  });

  it("shows the student's words back and sends them only after a yes", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", QUICK.leaveMessage);
    const shown = await chat.say("Can captions be on during my online session?");
    expect(shown.effect).toBeUndefined();
    expect(text(shown)).toBe("I'll send this to the tutoring center: «Can captions be on during my online session?». Send it?");
    expect(quick(shown)).toEqual([QUICK.yes, QUICK.changeIt, QUICK.cancel]);

    const yes = await chat.say(QUICK.yes);
    expect(sent(yes)).toMatch(/^Can captions be on during my online session\?/);
    // Sent once: a second yes is an ordinary answer, not a second hand-off.
    expect((await chat.say(QUICK.yes)).effect).toBeUndefined();
  });

  it("takes the message from the same turn: 'tell the center I'll be late'", async () => {
    const chat = new Chat();
    await chat.say("hi");
    const shown = await chat.say("tell the center I'll be late");
    expect(shown.effect).toBeUndefined();
    expect(text(shown)).toContain("«I'll be late»");
    expect(sent(await chat.say("yes"))).toMatch(/^I'll be late/);
  });

  it.each([
    ["Leave a message for the tutoring center: can I bring a friend?", "can I bring a friend?"],
    ["leave a message: Please call Ada back.", "Please call Ada back."],
    ["talk to a human: I need a tutor for Latin!", "I need a tutor for Latin!"],
    ["let the tutoring center know that my laptop broke", "my laptop broke"],
  ])("takes %j as the message %j, its punctuation kept", async (message, words) => {
    const chat = new Chat();
    await chat.say("hi");
    expect(text(await chat.say(message))).toContain(`«${words}»`);
    expect(sent(await chat.say(QUICK.yes))).toMatch(new RegExp(`^${words.replace(/[?.!]/g, "\\$&")}`));
  });

  it("keeps the question mark between the student's words and what they were looking for", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", "Python on Monday at 10");
    await chat.say("Leave a message for the tutoring center: can captions be on");
    // Typed without one: nothing is invented either.
    expect(sent(await chat.say(QUICK.yes))).not.toMatch(/be on\?/);

    const asked = new Chat();
    await asked.sayAll("hi", "Python on Monday at 10", "Leave a message for the tutoring center: can captions be on?");
    const note = sent(await asked.say(QUICK.yes));
    expect(note).toMatch(/^can captions be on\?\s+They were looking for Python on Monday/);
  });

  it("changes the message on 'Change it', then sends the new words", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", "tell the center I'll be late");
    const asked = await chat.say(QUICK.changeIt);
    expect(asked.effect).toBeUndefined();
    expect(text(asked)).toMatch(/what would you like me to tell them instead/i);
    const shown = await chat.say("I'll be 10 minutes late to my Python session.");
    expect(text(shown)).toContain("«I'll be 10 minutes late to my Python session.»");
    const note = sent(await chat.say(QUICK.yes));
    expect(note).toMatch(/^I'll be 10 minutes late to my Python session\./);
    expect(note).not.toMatch(/^I'll be late/);
  });

  it("sends nothing on 'Cancel', at either step, and says so", async () => {
    const atConfirm = new Chat();
    await atConfirm.sayAll("hi", "tell the center I'll be late");
    const cancelled = await atConfirm.say(QUICK.cancel);
    expect(cancelled.effect).toBeUndefined();
    expect(text(cancelled)).toMatch(/not sent|won't send/i);
    expect((await atConfirm.say(QUICK.yes)).effect).toBeUndefined();

    const atAsk = new Chat();
    await atAsk.sayAll("hi", QUICK.leaveMessage);
    const dropped = await atAsk.say("never mind");
    expect(dropped.effect).toBeUndefined();
    expect(text(dropped)).toMatch(/not sent|won't send/i);
    // The next message is read as usual again, not taken as a message for staff.
    const search = await atAsk.say("Python on Monday at 10");
    expect(search.effect).toBeUndefined();
    expect(atAsk.fields.pendingMatch?.tutor.subjects).toContain("Python");
  });

  it("asks again rather than guessing when the answer to 'Send it?' is something else", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", "tell the center I'll be late");
    const turn = await chat.say("Python on Monday at 10");
    expect(turn.effect).toBeUndefined();
    expect(text(turn)).toContain("«I'll be late»");
    expect(quick(turn)).toEqual([QUICK.yes, QUICK.changeIt, QUICK.cancel]);
    expect(sent(await chat.say(QUICK.yes))).toMatch(/^I'll be late/);
  });

  it("takes a message typed at the ask step word for word, even one that looks like a command", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", QUICK.leaveMessage);
    expect(text(await chat.say("Help!"))).toContain("«Help!»");
  });

  it("asks for a shorter message instead of cutting one off", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", QUICK.leaveMessage);
    const turn = await chat.say(`Please read this. ${"x".repeat(2_100)}`);
    expect(turn.effect).toBeUndefined();
    expect(text(turn)).toMatch(/2,000 characters/);
    expect(text(await chat.say("Shorter now."))).toContain("«Shorter now.»");
  });

  it("keeps 'change it' meaning a move outside a hand-off", async () => {
    const chat = new Chat();
    await chat.say("hi");
    expect(text(await chat.say("change it"))).toMatch(/no confirmed booking in this chat to move/);
  });

  it("after sending, says staff answer here when they can, and promises no one is answering now", () => {
    const effect = { type: "leave_message" as const, words: "I'll be late", note: "I'll be late" };
    const done = text(describeEffectOutcome(EMPTY_SESSION_FIELDS, effect, { ok: true }));
    expect(done).toMatch(/sent/i);
    expect(done).toMatch(/when they can/);
    expect(done).toMatch(/in this chat/);
    expect(done).not.toMatch(/right now|shortly|in a moment|someone is|is reading|will be with you/i);
    expect(text(describeEffectOutcome(EMPTY_SESSION_FIELDS, effect, { ok: false, reason: "error" }))).toMatch(/couldn't send/);
  });

  it("keeps the words after a send that failed, so 'Yes' tries again", async () => {
    const chat = new Chat();
    await chat.sayAll("hi", "tell the center I'll be late");
    const yes = await chat.say(QUICK.yes);
    const failed = describeEffectOutcome(chat.fields, yes.effect!, { ok: false, reason: "error" });
    expect(text(failed)).toMatch(/nothing went to the tutoring center/);
    expect(quick(failed)).toEqual([QUICK.yes, QUICK.changeIt, QUICK.cancel]);
    chat.fields = SessionFields.parse({ ...chat.fields, ...failed.patch });
    expect(sent(await chat.say(QUICK.yes))).toMatch(/^I'll be late/);
  });

  it("tells the student at once when nobody could receive a message (the fallback), without asking for one", async () => {
    const turn = await respond({ fields: EMPTY_SESSION_FIELDS, message: QUICK.leaveMessage, now: NOW, catalog, staffReachable: false });
    expect(turn.effect).toBeUndefined();
    expect(text(turn)).toMatch(/not running here.*not sent/i);
  });
});
