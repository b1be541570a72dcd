import { FIRST_CENTER } from "../../lib/center/ids";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PERSONA, type AssistantPersona } from "../../lib/center/persona";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import type { StaffSignedIn } from "../../lib/staff/schemas";
import { centerObject } from "../../services/objects";
import { Center } from "../../durable-objects/center";
import { FakeAuthenticator } from "../fakes/authenticator";
import { centerSubscribers } from "./center-helpers";
import { chatSession, newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { lastReplies, say } from "./memory-helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * The center's Center object (durable-objects/center.ts) owns what every exchange needs to know about
 * the center; a chat keeps it in memory and is told of every change. So a plain exchange runs no D1
 * statement at all, and a woken chat asks its Center once — and what the student sees is still current.
 */

const { closedDates: _none, persona: _persona, ...SETTINGS } = DEFAULT_CENTER_POLICY;
let admin: StaffSignedIn;

/**
 * Every D1 statement prepared in this isolate while `work` runs: the test, the sidecar's entry and
 * every Durable Object share one isolate here, so this sees the chat's, the memory's and the Center's
 * statements alike (drizzle's too: it prepares through the same binding class).
 */
async function d1Statements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const proto = Object.getPrototypeOf(env.DB) as { prepare: (this: D1Database, query: string) => D1PreparedStatement };
  const prepare = proto.prepare;
  const statements: string[] = [];
  proto.prepare = function (this: D1Database, query: string) {
    statements.push(query);
    return prepare.call(this, query);
  };
  try {
    return { result: await work(), statements };
  } finally {
    proto.prepare = prepare;
  }
}

/** Asks that reached the Center (`snapshot` calls), counted on its class: the objects run in this isolate. */
const asks = { n: 0 };
const realSnapshot = Center.prototype.snapshot;
Center.prototype.snapshot = function (this: Center, chatId: unknown, center: unknown) {
  asks.n++;
  return realSnapshot.call(this, chatId, center);
};
const centerAsks = () => asks.n;

const setPersona = async (persona: AssistantPersona) => unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, persona }));

describe("the Center object and a chat's copy of it", () => {
  beforeAll(async () => {
    await seedCatalog();
    admin = await enrolled(await FakeAuthenticator.create(), "admin");
  });

  afterEach(async () => {
    await setPersona(DEFAULT_PERSONA);
  });

  it("counts statements here at all: a chat's first message runs some (its D1 row, the new-chat checks)", async () => {
    const { statements } = await d1Statements(() => say(newSessionId(), newOwnerId(), "hello"));
    expect(statements.some((query) => /INSERT INTO chats/.test(query))).toBe(true);
  });

  it("runs 0 D1 statements and calls no shared object on an awake chat's plain exchange", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "hello");
    const asksBefore = centerAsks();
    for (const content of ["help", "thanks", "what can you do"]) {
      const { result, statements } = await d1Statements(() => say(sessionId, ownerId, content));
      expect(lastReplies(result)).not.toBe("");
      expect(statements).toEqual([]);
    }
    expect(centerAsks()).toBe(asksBefore);
  });

  it("answers a woken chat from the copy in its own row: 0 D1 statements and no call to the Center", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "hello");
    expect(centerAsks()).toBeGreaterThan(0);
    await evictDurableObject(chatSession(sessionId));

    const asksBefore = centerAsks();
    const woken = await d1Statements(() => say(sessionId, ownerId, "thanks"));
    expect(woken.statements).toEqual([]);
    expect(centerAsks()).toBe(asksBefore);
  });

  it("asks the Center once a day, and reads D1 once, in one statement, when the Center's own copy is old too", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "hello");
    // The chat asked a day ago, and the Center read D1 long ago: both are woken.
    await runInDurableObject(chatSession(sessionId), (_, state) => state.storage.sql.exec("UPDATE session SET center_asked_at = 0"));
    await runInDurableObject(centerObject(env), (_, state) => state.storage.sql.exec("UPDATE snapshot SET read_at = 0"));
    await evictDurableObject(chatSession(sessionId));
    await evictDurableObject(centerObject(env));

    const asksBefore = centerAsks();
    const { statements } = await d1Statements(() => say(sessionId, ownerId, "thanks"));
    expect(centerAsks()).toBe(asksBefore + 1);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM center_settings WHERE center_id = \?2/);
    // Asked today: the next turn asks nothing.
    await say(sessionId, ownerId, "help");
    expect(centerAsks()).toBe(asksBefore + 1);
  });

  it("brings a staff edit to a chat that was evicted (the push wakes it and its stored copy changes)", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain(DEFAULT_PERSONA.greeting);
    await evictDurableObject(chatSession(sessionId));
    await setPersona({ name: "Ava", greeting: "Hello, I'm Ava, the center's automated assistant.", tone: "friendly" });
    await evictDurableObject(chatSession(sessionId));
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain("I'm Ava");
  });

  it("brings a staff edit of the persona to an awake chat's very next turn", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain(DEFAULT_PERSONA.greeting);
    await setPersona({ name: "Ava", greeting: "Hello, I'm Ava, the center's automated assistant.", tone: "friendly" });
    // "start over" greets again: the new name, with no D1 statement in the turn.
    const { result, statements } = await d1Statements(() => say(sessionId, ownerId, "hello"));
    expect(lastReplies(result)).toContain("I'm Ava");
    expect(statements).toEqual([]);
  });

  it("brings a new subject (a tutor added by staff) to a chat that had cached the subject list", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    expect((await say(sessionId, ownerId, "Astrobiology on Monday at 10")).pendingMatch).toBeNull();
    const staff = await enrolled(await FakeAuthenticator.create(), "staff");
    unwrapOk(
      await sidecar.staffCreateTutor(staff.session.token, {
        name: "Carl Sagan", bio: "Pale blue dot.", mode: "online", subjects: ["Astrobiology"],
        hours: [{ day: "monday", start: "09:00", end: "12:00" }],
      }),
    );
    expect((await say(sessionId, ownerId, "Astrobiology on Monday at 10")).pendingMatch?.tutor.name).toBe("Carl Sagan");
  });

  it("subscribes each chat that asked, and tells each of them of a change", async () => {
    const chats = [newSessionId(), newSessionId()];
    for (const id of chats) await say(id, newOwnerId(), "hello");
    expect(await centerSubscribers()).toBeGreaterThanOrEqual(2);
    const { told } = await centerObject(env).changed(FIRST_CENTER);
    // Nothing moved in D1: nobody is told.
    expect(told).toBe(0);
    const edited = await setPersona({ ...DEFAULT_PERSONA, name: "Sam" });
    expect(edited.persona.name).toBe("Sam");
  });

  it("brings an edit made by hand in D1 within the hour, by its alarm, to an awake chat", async () => {
    const sessionId = newSessionId();
    const ownerId = newOwnerId();
    await say(sessionId, ownerId, "hello");
    await env.DB.prepare("UPDATE center_settings SET assistant_name = 'Hand', assistant_greeting = 'Hello, I''m Hand, the center''s automated assistant.' WHERE id = 1").run();
    // Not yet: the chat's copy stands until the Center reads D1 again.
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).not.toContain("Hand");
    expect(await runDurableObjectAlarm(centerObject(env))).toBe(true);
    expect(lastReplies(await say(sessionId, ownerId, "hello"))).toContain("I'm Hand");
  });
});
