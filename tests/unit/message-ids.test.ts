import { describe, expect, it } from "vitest";
import { isHandoff, messageIds, parseBuiltinReply, replyKind } from "../../lib/message-ids";

/** Every id a message is given, read back by the one classifier: each kind of reply is counted as what it is. */
describe("message ids", () => {
  const asked = "m-7f3a";
  it.each([
    [messageIds.builtinReply(asked, 0), "assistant"],
    [messageIds.builtinReply(asked, 12), "assistant"],
    [messageIds.botReply(asked), "bot"],
    [messageIds.cancelNotice("bk-0123"), "cancel_notice"],
    [messageIds.unanswered(asked), "unanswered"],
    [messageIds.waitlistNotice(1_800_000_000_000, "offer"), "waitlist_notice"],
    [messageIds.waitlistNotice(1_800_000_000_000, "expired"), "waitlist_notice"],
    ["something-else", "other"],
    [`${asked}:reply-x`, "other"],
  ])("%s is %s", (id, kind) => {
    expect(replyKind(id)).toBe(kind);
  });

  it("reads a built-in reply back to its question and place, and nothing else as one", () => {
    expect(parseBuiltinReply(messageIds.builtinReply(asked, 3))).toEqual({ messageId: asked, index: 3 });
    expect(parseBuiltinReply(messageIds.botReply(asked))).toBeNull();
  });

  it("tells a hand-off from an outside bot's message", () => {
    expect(isHandoff(messageIds.handoff(asked))).toBe(true);
    expect(isHandoff(asked)).toBe(false);
  });
});
