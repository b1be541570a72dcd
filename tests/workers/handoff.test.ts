import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ChatMessage } from "../../lib/schemas";
import type { QueuedMessage } from "../../lib/queue/schemas";
import { handoffId } from "../../services/effects";
import { FakeAuthenticator } from "../fakes/authenticator";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { connect } from "./socket-helpers";
import { createInvite, enrolled, register, sidecar } from "./staff-helpers";
import { messageQueue } from "../../services/objects";

/**
 * A message for the tutoring center, end to end inside workerd: what the
 * student wrote reaches the queue and D1 only after their yes, and a staff
 * member's answer is stored and served as theirs (name and kind), not as the
 * assistant's, with "typing" naming them while they hold the message.
 */

async function say(sessionId: string, ownerId: string, content: string) {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content }));
}

async function waitingFor(sessionId: string): Promise<QueuedMessage[]> {
  return unwrapOk(await messageQueue(env).pending(1000)).messages.filter((message) => message.sessionId === sessionId);
}

describe("a hand-off to the tutoring center", () => {
  beforeAll(seedCatalog);

  it("queues nothing until the student says yes, then queues their words with it", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "Python on Monday at 10");
    const asked = await say(sessionId, ownerId, "Leave a message for the tutoring center");
    expect(asked.replies.at(-1)!.content).toMatch(/what would you like me to tell the tutoring center/i);
    const words = `Can captions be on during my online session? ${crypto.randomUUID()}`;
    const shown = await say(sessionId, ownerId, words);
    expect(shown.replies.at(-1)).toMatchObject({ content: `I'll send this to the tutoring center: «${words}». Send it?`, quickReplies: ["Yes", "Change it", "Cancel"] });
    // Shown back, not sent: neither the queue nor D1 has it.
    expect(await waitingFor(sessionId)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_messages WHERE session_id = ?").bind(sessionId).first("n")).toBe(0);

    const yes = await say(sessionId, ownerId, "Yes");
    expect(yes.replies.at(-1)!.content).toMatch(/^Sent: .*when they can/);
    const [queued, ...more] = await waitingFor(sessionId);
    expect(more).toEqual([]);
    expect(queued).toMatchObject({ messageId: handoffId(yes.message.id), priority: 8, ownerId });
    // The student's words first, punctuation kept, then where the chat had got to.
    expect(queued!.content).toMatch(new RegExp(`^${words.replace(/[?]/g, "\\?")}\\s+They were looking for Python on Monday`));
    const note = await env.DB.prepare("SELECT note FROM staff_messages WHERE session_id = ?").bind(sessionId).first<string>("note");
    expect(note).toBe(queued!.content);
    // The draft is gone: the next yes is an ordinary answer and queues nothing more.
    await say(sessionId, ownerId, "Yes");
    expect(await waitingFor(sessionId)).toHaveLength(1);
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId)).searchCriteria?.handoff).toBeUndefined();
  });

  it("sends the staff member's reply as theirs: stored, pushed and read back with their name and kind", async () => {
    const signedIn = await register(await FakeAuthenticator.create(), await createInvite(`front-desk-${crypto.randomUUID().slice(0, 8)}@tutoring.test`, "staff"));
    const named = unwrapOk(await sidecar.staffSetDisplayName(signedIn.session.token, { displayName: "  Sam  " }));
    expect(named.member).toMatchObject({ id: signedIn.member.id, displayName: "Sam" });

    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    const words = `Is the library room open on Friday? ${crypto.randomUUID()}`;
    await say(sessionId, ownerId, `tell the center ${words}`);
    await say(sessionId, ownerId, "Yes");
    const { socket } = await connect(sessionId, ownerId);
    socket!.send({ v: 1, type: "hello", after: 0 });
    await socket!.next("presence");

    const waiting = unwrapOk(await sidecar.staffInbox(signedIn.session.token)).messages.find((message) => message.sessionId === sessionId)!;
    expect(waiting.content).toMatch(/^Is the library room open on Friday\?/);
    const claimed = unwrapOk(await sidecar.staffClaim(signedIn.session.token, waiting.messageId));
    // "Typing" names the person holding the message.
    const typing = await socket!.next("activity", (frame) => frame.who === "assistant" && frame.until !== null);
    expect(typing.author).toEqual({ kind: "staff", name: "Sam" });

    const reply = `Yes, from 9 to 5. ${crypto.randomUUID()}`;
    expect(unwrapOk(await sidecar.staffReply(signedIn.session.token, { messageId: waiting.messageId, leaseId: claimed.lease.leaseId, reply }))).toMatchObject({ delivered: true });
    const pushed = await socket!.next("messages", (frame) => frame.messages.some((message) => message.content === reply));
    expect(pushed.messages.find((message) => message.content === reply)).toMatchObject({ role: "assistant", author: { kind: "staff", name: "Sam" } });

    // Served with the author from memory (the state) and from storage (a page read with `before`).
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(state.messages.find((message) => message.content === reply)).toMatchObject({ author: { kind: "staff", name: "Sam" } });
    const stored = unwrapOk(await chatSession(sessionId).listMessages(ownerId, { before: state.lastSeq + 1, limit: 50 }));
    expect(stored.messages.find((message) => message.content === reply)).toMatchObject({ author: { kind: "staff", name: "Sam" } });
    // The assistant's own replies carry no author: the chat shows them under the assistant's name.
    const assistant = stored.messages.filter((message) => message.role === "assistant" && message.content !== reply);
    expect(assistant.length).toBeGreaterThan(0);
    for (const message of assistant) expect(message.author).toBeUndefined();
    for (const message of stored.messages) expect(ChatMessage.safeParse(message).success).toBe(true);
    socket!.ws.close(1000);
  });

  it("names a staff member who set no name by their email, and refuses a name that is not plain text, changing nothing", async () => {
    const signedIn = await register(await FakeAuthenticator.create(), await createInvite(`jo.lee+${crypto.randomUUID().slice(0, 8)}@tutoring.test`, "staff"));
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "tell the center I'll be late");
    await say(sessionId, ownerId, "Yes");
    const waiting = unwrapOk(await sidecar.staffInbox(signedIn.session.token)).messages.find((message) => message.sessionId === sessionId)!;
    const claimed = unwrapOk(await sidecar.staffClaim(signedIn.session.token, waiting.messageId));
    unwrapOk(await sidecar.staffReply(signedIn.session.token, { messageId: waiting.messageId, leaseId: claimed.lease.leaseId, reply: "Thanks for telling us." }));
    const state = unwrapOk(await sidecar.getState(sessionId, ownerId));
    expect(state.messages.at(-1)).toMatchObject({ content: "Thanks for telling us.", author: { kind: "staff", name: "Jo Lee" } });

    for (const bad of [{ displayName: "" }, { displayName: "<b>Sam</b>" }, { displayName: "x".repeat(61) }, { name: "Sam" }, "Sam", null]) {
      expect(await sidecar.staffSetDisplayName(signedIn.session.token, bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    const row = await env.DB.prepare("SELECT display_name FROM staff_members WHERE id = ?").bind(signedIn.member.id).first<string | null>("display_name");
    expect(row).toBeNull();
  });

  it("lets every member set only their own name", async () => {
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor");
    const other = await enrolled(await FakeAuthenticator.create(), "staff");
    // Whose name changes is the session's: a body naming another member is refused.
    expect(await sidecar.staffSetDisplayName(tutor.session.token, { displayName: "Ana", id: other.member.id })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    unwrapOk(await sidecar.staffSetDisplayName(tutor.session.token, { displayName: "Ana" }));
    expect(unwrapOk(await sidecar.staffSession(tutor.session.token)).member.displayName).toBe("Ana");
    expect(unwrapOk(await sidecar.staffSession(other.session.token)).member.displayName).toBeUndefined();
  });
});
