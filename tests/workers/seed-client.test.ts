import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ChatSessionClient, getSessionId } from "../../lib/chat-session-client";
import { BindingChatSessionClient } from "../../lib/server/binding-chat-session-client";
import type { SidecarApi } from "../../lib/sidecar-api";
import { QUICK } from "../../lib/tutoring/commands";
import { newOwnerId, newSessionId, seedCatalog } from "./helpers";
import * as seed from "./seed-001-example";

// The sidecar's default entrypoint, called over RPC exactly as the web worker's binding does.
const sidecar = exports.default as unknown as SidecarApi;

/** The seed's `new ChatSessionClient(getSessionId())`, on the server's transport: its own chat and owner per test. */
function newChatClient(): ChatSessionClient {
  const sessionId = newSessionId();
  return new ChatSessionClient(sessionId, new BindingChatSessionClient(sidecar, sessionId, newOwnerId()));
}

/** A chat where the assistant has shown the Python tutors free Monday at 10. */
async function withTutorsShown() {
  const chatClient = newChatClient();
  const { state } = await chatClient.addMessage({ role: "user", content: "Python on Monday at 10" });
  expect(state.availableTutors.length).toBeGreaterThan(0);
  return { chatClient, shown: state.availableTutors };
}

describe("the seed's ChatSessionClient (design note 001)", () => {
  beforeAll(seedCatalog);

  it("has no state before the student's first message", async () => {
    const chatClient = newChatClient();
    expect(await chatClient.getState()).toBeNull();
    expect(await chatClient.getMessages()).toEqual([]);
    expect(await chatClient.getPendingMatch()).toBeNull();
  });

  it("keeps the student's message and the assistant's reply", async () => {
    const chatClient = newChatClient();
    const sent = await chatClient.addMessage({ role: "user", content: "I need help with Python" });
    expect(sent.replies.length).toBeGreaterThan(0);

    const messages = await chatClient.getMessages();
    expect(messages).toEqual([sent.message, ...sent.replies]);
    expect(messages[0]).toMatchObject({ role: "user", content: "I need help with Python" });
    expect(messages.slice(1).every((message) => message.role === "assistant")).toBe(true);
    const state = await chatClient.getState();
    expect(state?.messages).toEqual(messages);
  });

  it("refuses an assistant message from the client with a 400 and stores nothing", async () => {
    const chatClient = newChatClient();
    await expect(chatClient.addMessage({ role: "assistant", content: "Here is a tutor" })).rejects.toMatchObject({
      name: "AppError",
      code: "bad_request:body",
      status: 400,
      message: expect.stringMatching(/come from the assistant, not the client/),
    });
    expect(await chatClient.getState()).toBeNull();
  });

  it("keeps a pending match chosen from the tutors shown", async () => {
    const { chatClient, shown } = await withTutorsShown();
    const chosen = shown.at(-1)!;
    await chatClient.setPendingMatch(chosen);
    expect(await chatClient.getPendingMatch()).toEqual(chosen);

    await chatClient.setPendingMatch(null);
    expect(await chatClient.getPendingMatch()).toBeNull();
  });

  it("refuses with a 409 a pending match the student was never shown", async () => {
    const { chatClient, shown } = await withTutorsShown();
    const before = await chatClient.getPendingMatch();
    const invented = { ...shown[0]!, tutor: { ...shown[0]!.tutor, id: "tutor-invented" } };

    await expect(chatClient.setPendingMatch(invented)).rejects.toMatchObject({
      name: "AppError",
      code: "conflict:booking",
      status: 409,
    });
    expect(await chatClient.getPendingMatch()).toEqual(before);
  });

  it("saves the last search so 'other tutors' survives a reload", async () => {
    const chatClient = newChatClient();
    await chatClient.addMessage({ role: "user", content: "I need help with Python" });

    await chatClient.setSearchCriteria({ skill: "Python", day: "monday", timeFrom: "10:00" });
    expect((await chatClient.getState())?.searchCriteria).toEqual({
      skill: "Python",
      day: "monday",
      timeFrom: "10:00",
      excludeTutorIds: [],
    });

    await chatClient.setSearchCriteria(null);
    expect((await chatClient.getState())?.searchCriteria).toBeNull();
  });

  it("saves the booking form's fields but leaves its step to the assistant", async () => {
    const { chatClient } = await withTutorsShown();
    const { state } = await chatClient.addMessage({ role: "user", content: "Book this tutor" });
    const form = state.bookingInfo!;
    expect(form.step).toBe("confirm_slot");

    await chatClient.setBookingInfo({ ...form, studentName: "John", studentEmail: "john@example.com" });
    expect((await chatClient.getState())?.bookingInfo).toEqual({ ...form, studentName: "John", studentEmail: "john@example.com" });

    await expect(chatClient.setBookingInfo({ ...form, step: "confirmed" })).rejects.toMatchObject({ status: 409 });
    expect((await chatClient.getState())?.bookingInfo?.step).toBe("confirm_slot");
  });
});

/** A browser's localStorage for `getSessionId()`: workerd has none. */
function browserStorage() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

describe("seed 001's example, as written (tests/workers/seed-001-example.ts)", () => {
  beforeAll(seedCatalog);

  it("runs every snippet against the real sidecar, the seed's spellings included", async () => {
    const storage = browserStorage();
    const sessionId = getSessionId(storage);
    expect(getSessionId(storage)).toBe(sessionId); // the same chat on the next visit
    const chatClient = new ChatSessionClient(sessionId, new BindingChatSessionClient(sidecar, sessionId, newOwnerId()));

    // 1. Message history: the student's message, then the assistant's answer.
    const messages = await seed.messageHistory(chatClient);
    expect(messages[0]).toMatchObject({ role: "user", content: "I need help with Python" });
    expect(messages.length).toBeGreaterThan(1);

    // 4. Search criteria, in the seed's spelling ("Monday", one `time`): stored in ours...
    await seed.searchCriteria(chatClient);
    expect((await chatClient.getState())?.searchCriteria).toMatchObject({ skill: "Python", day: "monday", timeFrom: "10:00", timeTo: "10:00" });
    // ...and "Show me other tutors" searches with it: first, a Python tutor free on a Monday at 10:00.
    const { state } = await chatClient.addMessage({ role: "user", content: QUICK.others });
    expect(state.pendingMatch?.tutor.subjects).toContain("Python");
    expect(state.pendingMatch?.slot).toMatchObject({ day: "monday", start: "10:00" });

    // 2. Pending match: one of the tutors shown.
    const chosen = state.availableTutors.at(-1)!;
    expect(await seed.pendingMatch(chatClient, chosen)).toEqual(chosen);

    // 3. Booking info at the seed's "name-email" step (ours: contact), once the assistant is there.
    await chatClient.addMessage({ role: "user", content: QUICK.book });
    const { state: atContact } = await chatClient.addMessage({ role: "user", content: "yes" });
    const form = atContact.bookingInfo!;
    expect(form.step).toBe("contact");
    await seed.bookingInfo(chatClient);
    expect((await chatClient.getState())?.bookingInfo).toEqual({ ...form, studentName: "John", studentEmail: "john@example.com" });
  });

  it("refuses the seed's name-email step before the assistant asked for it (409), and changes nothing", async () => {
    const { chatClient } = await withTutorsShown();
    const { state } = await chatClient.addMessage({ role: "user", content: QUICK.book });
    expect(state.bookingInfo?.step).toBe("confirm_slot");

    await expect(seed.bookingInfo(chatClient)).rejects.toMatchObject({ name: "AppError", status: 409 });
    expect((await chatClient.getState())?.bookingInfo).toEqual(state.bookingInfo);
  });

  it("refuses form fields without a form the assistant started (409), and changes nothing", async () => {
    const chatClient = newChatClient();
    await chatClient.addMessage({ role: "user", content: "I need help with Python" });
    const before = await chatClient.getState();

    await expect(seed.bookingInfo(chatClient)).rejects.toMatchObject({ name: "AppError", code: "conflict:booking", status: 409 });
    expect(await chatClient.getState()).toEqual(before);
  });

  it("refuses a day or time it cannot read, or a time given twice (400), and changes nothing", async () => {
    const chatClient = newChatClient();
    await chatClient.addMessage({ role: "user", content: "I need help with Python" });
    const before = await chatClient.getState();

    for (const criteria of [
      { skill: "Python", day: "Funday" as "Monday" },
      { skill: "Python", time: "25:00" },
      { skill: "Python", time: "10:00", timeFrom: "09:00" },
    ]) {
      await expect(chatClient.setSearchCriteria(criteria)).rejects.toMatchObject({ name: "AppError", code: "bad_request:body", status: 400 });
    }
    expect(await chatClient.getState()).toEqual(before);
  });
});
