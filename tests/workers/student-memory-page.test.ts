import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { bookPython, emptyBytes, lastReplies, learned, say, sidecar } from "./memory-helpers";
import { studentMemory } from "../../services/objects";

describe("the student's memory page over the sidecar", () => {
  beforeAll(seedCatalog);

  it("lists every fact with its source: the booking for contact details, the chat message for a goal", async () => {
    const ownerId = newOwnerId();
    const goalChat = newSessionId();
    await say(goalChat, ownerId, "I'm retaking Calc II");
    const { booking } = await bookPython(ownerId, "Ada Lovelace", "ada@example.edu");
    await learned(ownerId, `tutor:${booking.tutorId}`);
    const facts = unwrapOk(await sidecar.memoryFacts(ownerId)).facts;
    const byId = new Map(facts.map((fact) => [fact.id, fact]));
    expect(byId.get("email")).toMatchObject({ value: "ada@example.edu", source: { type: "booking" } });
    expect(byId.get("name")).toMatchObject({ value: "Ada Lovelace", source: { type: "booking" } });
    expect(byId.get("goal:calc-ii-retake")).toMatchObject({ source: { type: "chat", chatId: goalChat, seq: 1 } });
    expect(facts.map((fact) => fact.learnedAt)).toEqual([...facts.map((fact) => fact.learnedAt)].sort((a, b) => b - a));
  });

  it("forgets one fact: the next booking asks for the contact details again", async () => {
    const ownerId = newOwnerId();
    await bookPython(ownerId, "Grace Hopper", "grace@example.edu");
    await learned(ownerId, "email");
    const after = unwrapOk(await sidecar.memoryForget(ownerId, "email")).facts;
    expect(after.map((fact) => fact.id)).not.toContain("email");
    expect(await sidecar.memoryForget(ownerId, "email")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });

    const sessionId = newSessionId();
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain("Welcome back, Grace!");
    const state = await say(sessionId, ownerId, "yes");
    expect(state.bookingInfo?.step).toBe("contact");
    expect(state.bookingInfo?.studentEmail).toBeUndefined();
    expect(lastReplies(state)).toContain("What's your name and email?");
  });

  it("uses a corrected email, marked as the student's edit; refuses a bad value or a kind that is not editable", async () => {
    const ownerId = newOwnerId();
    const { booking } = await bookPython(ownerId, "Hedy Lamarr", "hedy@example.edu");
    await learned(ownerId, `tutor:${booking.tutorId}`);
    const corrected = unwrapOk(await sidecar.memoryCorrect(ownerId, "email", "  Hedy@NewMail.example "));
    expect(corrected.fact).toMatchObject({ id: "email", value: "hedy@newmail.example", source: { type: "student_edit" }, confidence: 1 });
    expect(await sidecar.memoryCorrect(ownerId, "email", "not an email")).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.memoryCorrect(ownerId, `tutor:${booking.tutorId}`, "Someone else")).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.memoryCorrect(ownerId, "preferred_mode", "in person")).toMatchObject({ ok: true, value: { fact: { value: "in_person" } } });

    const sessionId = newSessionId();
    await say(sessionId, ownerId, "hi");
    const state = await say(sessionId, ownerId, "yes");
    // The repeat's review shows the corrected email, and the student's own preference over last time's mode.
    expect(state.bookingInfo).toMatchObject({ step: "review", studentEmail: "hedy@newmail.example" });
    expect(lastReplies(state)).toContain("Email: hedy@newmail.example");
  });

  it("renames a goal: the new text is kept and the old one goes", async () => {
    const ownerId = newOwnerId();
    await say(newSessionId(), ownerId, "I'm retaking Calc II");
    await learned(ownerId, "goal:calc-ii-retake");
    const { facts } = unwrapOk(await sidecar.memoryCorrect(ownerId, "goal:calc-ii-retake", "Calc II final"));
    expect(facts.filter((fact) => fact.kind === "goal").map((fact) => [fact.id, fact.value])).toEqual([["goal:calc-ii-final", "Calc II final"]]);
  });

  it("forgets me: the memory's storage equals a never-used object's, no chats in D1, every chat object empty", async () => {
    const ownerId = newOwnerId();
    const { sessionId } = await bookPython(ownerId, "Mary Jackson", "mary@example.edu");
    const other = newSessionId();
    await say(other, ownerId, "I prefer online");
    unwrapOk(await sidecar.deleteChat(other, ownerId)); // a chat in the trash goes too
    await learned(ownerId, "preferred_mode");
    const held = unwrapOk(await sidecar.memoryFacts(ownerId)).facts.length;

    const summary = unwrapOk(await sidecar.forgetMe(ownerId));
    expect(summary).toMatchObject({ facts: held, chats: { deleted: 2, cleaned: 2, failed: 0 } });
    expect(await studentMemory(env, ownerId).storageBytes()).toBe(await emptyBytes());
    const { count } = (await env.DB.prepare("SELECT COUNT(*) AS count FROM chats WHERE owner_id = ?").bind(ownerId).first<{ count: number }>())!;
    expect(count).toBe(0);
    for (const id of [sessionId, other]) {
      expect(await env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(id)).storageBytes()).toBe(await emptyBytes());
    }
    expect(unwrapOk(await sidecar.memoryFacts(ownerId)).facts).toEqual([]);
    // The browser goes on under its new owner id (the old one is refused: tests/workers/forget-me.test.ts), unknown to the assistant.
    expect(lastReplies(await say(newSessionId(), summary.newOwnerId, "hi"))).not.toContain("Welcome back");
  });

  it("answers 404 for another owner's facts and changes nothing of theirs; forgetting a stranger leaves the owner whole", async () => {
    const ownerId = newOwnerId();
    const stranger = newOwnerId();
    const { sessionId } = await bookPython(ownerId, "Katherine Johnson", "katherine@example.edu");
    await learned(ownerId, "email");
    expect(await sidecar.memoryForget(stranger, "email")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(await sidecar.memoryCorrect(stranger, "email", "mallory@example.edu")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
    expect(unwrapOk(await sidecar.memoryFacts(stranger)).facts).toEqual([]);
    expect(unwrapOk(await sidecar.forgetMe(stranger))).toMatchObject({ facts: 0, chats: { deleted: 0, cleaned: 0, failed: 0 }, bookings: { upcoming: 0, kept: 0 } });

    expect(unwrapOk(await sidecar.memoryFacts(ownerId)).facts.find((fact) => fact.id === "email")?.value).toBe("katherine@example.edu");
    expect(unwrapOk(await sidecar.getState(sessionId, ownerId)).messages.length).toBeGreaterThan(0);
    expect(await sidecar.memoryForget("not an owner", "email")).toMatchObject({ ok: false, error: { code: "not_found:memory" } });
  });
});
