import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "../../lib/queue/schemas";
import { BotQueueApi } from "../../workers/bot-queue";
import { FakeAuthenticator } from "../fakes/authenticator";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";
import { messageQueue } from "../../services/objects";

/** A student leaves a message for the center and says yes to sending it (a hand-off, queued at priority 8). */
async function leaveMessage(note: string) {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: `Leave a message for the tutoring center: ${note}` }));
  unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content: "Yes" }));
  return { sessionId, ownerId };
}

describe("the hand-off inbox", () => {
  beforeAll(seedCatalog);

  it("lets staff take a student's message with its transcript, and puts the reply in the student's chat once", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const note = `please call me about my schedule ${crypto.randomUUID()}`;
    const { sessionId, ownerId } = await leaveMessage(note);

    const inbox = unwrapOk(await sidecar.staffInbox(session.token));
    const waiting = inbox.messages.find((message) => message.content.includes(note));
    expect(waiting).toMatchObject({ handoff: true, sessionId });

    const claimed = unwrapOk(await sidecar.staffClaim(session.token, waiting!.messageId));
    // The chat up to the student's yes: their request, and the words they agreed to send.
    expect(claimed.transcript.at(-1)).toMatchObject({ role: "user", content: "Yes" });
    expect(claimed.transcript.filter((line) => line.content.includes(note)).map((line) => line.role)).toEqual(["user", "assistant"]);
    expect(unwrapOk(await sidecar.staffInbox(session.token)).messages.some((message) => message.messageId === waiting!.messageId)).toBe(false);

    const reply = { messageId: waiting!.messageId, leaseId: claimed.lease.leaseId, reply: "Sam here, I will call you at 3 pm." };
    expect(unwrapOk(await sidecar.staffReply(session.token, reply))).toMatchObject({ delivered: true });
    unwrapOk(await sidecar.staffReply(session.token, reply)); // a retry delivers nothing twice
    const state = unwrapOk(await chatSession(sessionId).getState(ownerId));
    expect(state.messages.filter((message) => message.content === reply.reply)).toHaveLength(1);
  });

  it("is one mechanism with the bots: a message a person holds cannot be answered by a bot", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create(), "admin");
    const note = `a question for a person ${crypto.randomUUID()}`;
    await leaveMessage(note);
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages.find((message) => message.content.includes(note))!;
    unwrapOk(await sidecar.staffClaim(session.token, waiting.messageId));
    const bots = new BotQueueApi({ ...env, BOT_MODE: "external" });
    expect(await bots.claim(env.BOT_TOKEN, { messageId: waiting.messageId, workerId: "bot" })).toMatchObject({ ok: false, error: { code: "conflict:lease" } });
    expect(await sidecar.staffReply(session.token, { messageId: waiting.messageId, leaseId: "not-this-lease", reply: "hi" })).toMatchObject({
      ok: false,
      error: { code: "conflict:lease" },
    });
  });

  it("is closed to tutors and to anyone without a session, and a refused reply writes nothing", async () => {
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor");
    expect(await sidecar.staffInbox(tutor.session.token)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffClaim(tutor.session.token, "anything:handoff")).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffInbox("A".repeat(43))).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    const staff = await enrolled(await FakeAuthenticator.create(), "staff");
    expect(await sidecar.staffReply(staff.session.token, { messageId: "m", leaseId: "l", reply: "   " })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
  });

  it("lists what nobody answered in time and puts it back in the inbox", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const note = `nobody got to this ${crypto.randomUUID()}`;
    await leaveMessage(note);
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages.find((message) => message.content.includes(note))!;
    const queue = messageQueue(env);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      unwrapOk(await queue.claim({ messageId: waiting.messageId, workerId: "slow-person", leaseMs: 1 }));
      // A clock a second ahead lapses this 1 ms lease, not the 15-minute ones other tests hold.
      unwrapOk(await queue.expireLeases(Date.now() + 1_000));
    }
    const dead = unwrapOk(await sidecar.staffDeadLetters(session.token));
    expect(JSON.stringify(dead)).toContain(waiting.messageId);
    unwrapOk(await sidecar.staffRequeue(session.token, waiting.messageId));
    expect(unwrapOk(await sidecar.staffInbox(session.token)).messages.map((message) => message.messageId)).toContain(waiting.messageId);
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor");
    expect(await sidecar.staffRequeue(tutor.session.token, waiting.messageId)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
  });

  it("says a reply was not delivered when the student's chat cannot take it (in the trash)", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create(), "staff");
    const note = `then I deleted the chat ${crypto.randomUUID()}`;
    const { sessionId, ownerId } = await leaveMessage(note);
    const waiting = unwrapOk(await sidecar.staffInbox(session.token)).messages.find((message) => message.content.includes(note))!;
    const claimed = unwrapOk(await sidecar.staffClaim(session.token, waiting.messageId));
    unwrapOk(await sidecar.deleteChat(sessionId, ownerId));
    const answer = unwrapOk(await sidecar.staffReply(session.token, { messageId: waiting.messageId, leaseId: claimed.lease.leaseId, reply: "Hello?" }));
    expect(answer).toMatchObject({ completed: true, delivered: false });
  });
});
