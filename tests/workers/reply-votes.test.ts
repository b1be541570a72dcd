import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Analytics } from "../../durable-objects/analytics";
import type { ChatSession } from "../../durable-objects/chat-session";
import { COUNTERS, type Counter, type Counts } from "../../lib/analytics/events";
import type { ChatState, ReplyVote } from "../../lib/schemas";
import { ServerFrame } from "../../lib/socket-frames";
import { socketPath } from "../../lib/socket-protocol";
import { addDays, localNow } from "../../lib/calendar";
import { chatSession, newOwnerId, newSessionId, seedCatalog, TEST_NOW, unwrapOk } from "./helpers";
import { sidecar } from "./staff-helpers";
import { analyticsObject } from "../../services/objects";

const ZONE = "America/Los_Angeles";

/** A chat with one exchange: the built-in assistant's replies to a request (the greeting and a match). */
async function chatWithReplies() {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const sent = unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "I need help with Python on Monday at 10" }));
  expect(sent.replies.length).toBeGreaterThanOrEqual(2);
  return { sessionId, ownerId, replies: sent.replies };
}

const votesIn = (state: { messages: ChatState["messages"] }) =>
  Object.fromEntries(state.messages.filter((message) => message.vote).map((message) => [message.id, message.vote]));

/** The object as a woken one finds itself: the newest page not yet read from storage (what a reload after eviction sees). */
async function forgetCachedPage(sessionId: string) {
  await runInDurableObject(chatSession(sessionId) as DurableObjectStub<ChatSession>, (instance) => {
    (instance as unknown as { recentCache: unknown }).recentCache = null;
  });
}

/** A second tab's socket: the frames it receives, parsed with the shared schema. */
async function secondTab(sessionId: string, ownerId: string, after: number) {
  const { ticket } = unwrapOk(await sidecar.issueSocketTicket(sessionId, ownerId));
  const response = await exports.default.fetch(new Request(`http://sidecar${socketPath(sessionId)}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }));
  const ws = response.webSocket!;
  ws.accept();
  const frames: ServerFrame[] = [];
  ws.addEventListener("message", (event) => frames.push(ServerFrame.parse(JSON.parse(String(event.data)))));
  ws.send(JSON.stringify({ v: 1, type: "hello", after }));
  return { frames, close: () => ws.close(1000, "done") };
}

async function globalTotals(): Promise<Counts> {
  const today = localNow(new Date(), ZONE).date;
  return unwrapOk(await analyticsObject(env).series({ from: addDays(today, -1), to: today, granularity: "day" }, ZONE)).totals;
}

function delta(before: Counts, after: Counts): Partial<Record<Counter, number>> {
  return Object.fromEntries(COUNTERS.map((counter) => [counter, after[counter] - before[counter]]).filter(([, n]) => n !== 0));
}

describe("votes shown after a reload and in every tab", () => {
  beforeAll(seedCatalog);

  it("carries each reply's stored vote in the chat state, from memory and after the page is read from storage again", async () => {
    const { sessionId, ownerId, replies } = await chatWithReplies();
    const [first, second] = replies;
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, first!.id, "down"));
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, second!.id, "up"));
    const expected = { [first!.id]: "down", [second!.id]: "up" };

    // Warm: the object's page copy follows the vote, so the reload's state read costs no rows.
    const stub = chatSession(sessionId);
    const before = await stub.rowCounts();
    expect(votesIn(unwrapOk(await sidecar.getState(sessionId, ownerId)))).toEqual(expected);
    expect(await stub.rowCounts()).toEqual(before);

    // Cold: the page is read from storage with its votes (a LEFT JOIN on feedback's primary key).
    await forgetCachedPage(sessionId);
    const coldBefore = await stub.rowCounts();
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(votesIn(state)).toEqual(expected);
    const cost = await stub.rowCounts();
    // One row per message on the page plus one per stored vote; nothing written.
    expect({ reads: cost.reads - coldBefore.reads, writes: cost.writes - coldBefore.writes }).toEqual({ reads: state.messages.length + 2, writes: 0 });

    // A cleared vote reads back as none, warm and cold; the student's own message never carries one.
    unwrapOk(await sidecar.rateReply(sessionId, ownerId, first!.id, null));
    expect(votesIn(unwrapOk(await sidecar.getState(sessionId, ownerId)))).toEqual({ [second!.id]: "up" });
    await forgetCachedPage(sessionId);
    const page = unwrapOk(await sidecar.listMessages(sessionId, ownerId, { after: 0, limit: 50 }));
    expect(votesIn(page)).toEqual({ [second!.id]: "up" });
    expect(page.messages.filter((message) => message.role === "user" && "vote" in message)).toEqual([]);
  });

  it("pushes a vote set, changed or cleared to the chat's other open tabs, and a resuming tab gets votes with the messages", async () => {
    const { sessionId, ownerId, replies } = await chatWithReplies();
    const reply = replies[0]!;
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    const tab = await secondTab(sessionId, ownerId, state.lastSeq);
    const votes = () => tab.frames.flatMap((frame) => (frame.type === "vote" ? [[frame.messageId, frame.vote]] : []));
    const script: (ReplyVote | null)[] = ["down", "down", "up", null];
    for (const vote of script) unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, vote));
    // The repeated "down" changed nothing, so it pushes nothing.
    await vi.waitFor(() => expect(votes()).toEqual([[reply.id, "down"], [reply.id, "up"], [reply.id, null]]));
    tab.close();

    unwrapOk(await sidecar.rateReply(sessionId, ownerId, reply.id, "down"));
    const resumed = await secondTab(sessionId, ownerId, 0);
    await vi.waitFor(() => {
      const pushed = resumed.frames.flatMap((frame) => (frame.type === "messages" ? frame.messages : []));
      expect(pushed.find((message) => message.id === reply.id)?.vote).toBe("down");
    });
    resumed.close();
  });

  it("writes no row beyond the vote's own (one per vote set or changed)", async () => {
    const { sessionId, ownerId, replies } = await chatWithReplies();
    const stub = chatSession(sessionId);
    expect(unwrapOk(await stub.rateReply(ownerId, replies[0]!.id, "down", TEST_NOW)).rows).toEqual({ reads: 0, writes: 1 });
    const before = await stub.rowCounts();
    unwrapOk(await stub.getState(ownerId));
    expect(await stub.rowCounts()).toEqual(before);
  });
});

describe("feedback per reply kind, for staff", () => {
  beforeAll(seedCatalog);

  it("counts net 👍/👎 per kind exactly over a scripted sequence of votes, changes and clears, one row per vote that changed", async () => {
    const { sessionId, ownerId, replies } = await chatWithReplies();
    const stub = chatSession(sessionId);
    // Two more kinds of reply in the same chat: an outside bot's answer and a cancellation notice.
    unwrapOk(await stub.appendAssistantTurn(ownerId, [{ id: "q-1:bot-reply", content: "A bot's answer" }, { id: "bk-1:cancelled", content: "Cancelled." }], {}, TEST_NOW));
    const [a1, a2] = [replies[0]!.id, replies[1]!.id];
    const analytics = analyticsObject(env) as DurableObjectStub<Analytics>;
    const rowsBefore = await runInDurableObject(analytics, (instance: Analytics) => instance.rowCounts());
    const before = await globalTotals();

    const script: [string, ReplyVote | null][] = [
      [a1, "up"], // assistant up +1
      [a2, "down"], // assistant down +1
      [a1, "down"], // assistant up -1, down +1
      [a2, null], // assistant down -1
      [a2, null], // nothing: already cleared
      ["q-1:bot-reply", "up"], // bot up +1
      ["q-1:bot-reply", "up"], // nothing: already up
      ["bk-1:cancelled", "down"], // cancel_notice down +1
      ["bk-1:cancelled", "up"], // cancel_notice down -1, up +1
      ["bk-1:cancelled", null], // cancel_notice up -1
    ];
    for (const [id, vote] of script) unwrapOk(await sidecar.rateReply(sessionId, ownerId, id, vote));

    await vi.waitFor(async () => {
      expect(delta(before, await globalTotals())).toEqual({
        // Center-wide (unchanged meaning): each vote newly set or changed.
        feedback_up: 3,
        feedback_down: 3,
        // Per kind, net: a1 stands at down; a2 cleared; the bot's answer up; the notice cleared.
        feedback_down_assistant: 1,
        feedback_up_bot: 1,
      });
    }, { timeout: 10_000 });
    // Stored as each call came: one row per vote that changed something (8 of the 10; the two no-ops record nothing).
    expect((await runInDurableObject(analytics, (instance: Analytics) => instance.rowCounts())).writes - rowsBefore.writes).toBe(8);
    await evictDurableObject(analytics);
    expect(delta(before, await globalTotals())).toMatchObject({ feedback_down_assistant: 1, feedback_up_bot: 1 });
  });
});
