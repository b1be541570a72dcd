import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PERSONA, type AssistantPersona } from "../../lib/center/persona";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { EMPTY_SESSION_FIELDS, type ChatState } from "../../lib/schemas";
import type { StaffSignedIn } from "../../lib/staff/schemas";
import { freshCenter } from "./center-helpers";
import { builtinTurn } from "../../services/assistant-turn";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

const { closedDates: _none, persona: _persona, ...SETTINGS } = DEFAULT_CENTER_POLICY;

const AVA: AssistantPersona = { name: "Ava", greeting: "Hello, I'm {name}, the center's automated assistant.", tone: "friendly" };

let admin: StaffSignedIn;
let staff: StaffSignedIn;

async function setPersona(persona: AssistantPersona) {
  return unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, persona }));
}

async function personaColumns() {
  return env.DB.prepare("SELECT assistant_name, assistant_greeting, assistant_tone FROM center_settings WHERE id = 1").first();
}

async function say(sessionId: string, ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
}

const replies = (state: ChatState) => state.messages.filter((message) => message.role === "assistant").map((message) => message.content);

/**
 * One built-in turn of a fresh chat, every D1 statement it prepares recorded (drizzle's catalog
 * queries included, which is why this counts prepares rather than wrapping statements).
 */
async function meteredTurn(content: string) {
  const queries: string[] = [];
  const db = new Proxy(env.DB, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key);
      if (key === "prepare") return (query: string) => (queries.push(query), target.prepare(query));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const turn = await builtinTurn({
    env: { ...env, DB: db }, sessionId: newSessionId(), ownerId: newOwnerId(), messageId: crypto.randomUUID(), content,
    fields: EMPTY_SESSION_FIELDS, transcript: () => [], now: new Date(),
    // The center as its Center object would read it now, through the counted database.
    center: () => freshCenter(db),
  });
  return { turn, statements: queries.length, personaReads: queries.filter((query) => /assistant_name/.test(query)) };
}

describe("the assistant's persona, configured on /staff/settings", () => {
  beforeAll(async () => {
    await seedCatalog();
    admin = await enrolled(await FakeAuthenticator.create(), "admin");
    staff = await enrolled(await FakeAuthenticator.create(), "staff");
  });

  afterEach(async () => {
    await setPersona(DEFAULT_PERSONA);
  });

  it("starts as today's wording: the migration's defaults", async () => {
    expect(await personaColumns()).toEqual({ assistant_name: DEFAULT_PERSONA.name, assistant_greeting: DEFAULT_PERSONA.greeting, assistant_tone: "friendly" });
    const state = await say(newSessionId(), newOwnerId(), "hello");
    expect(replies(state)[0]).toBe(`${DEFAULT_PERSONA.greeting} What subject would you like help with?`);
  });

  it("greets a new chat with the configured name and greeting", async () => {
    expect((await setPersona(AVA)).persona).toEqual(AVA);
    const hello = await say(newSessionId(), newOwnerId(), "hello");
    expect(replies(hello)[0]).toBe("Hello, I'm Ava, the center's automated assistant. What subject would you like help with?");
    // A first message that asks for something still opens with the greeting.
    const asked = await say(newSessionId(), newOwnerId(), "Python on Monday at 10");
    expect(replies(asked)[0]).toBe("Hello, I'm Ava, the center's automated assistant.");
    expect(unwrapOk(await sidecar.centerPolicy(FIRST_CENTER)).persona).toEqual(AVA);
  });

  it("changes the wording with the tone: the question after the greeting and the reply to a message it did not understand", async () => {
    const wording: Record<string, string[]> = {};
    for (const tone of ["friendly", "concise", "formal"] as const) {
      await setPersona({ ...AVA, tone });
      const ownerId = newOwnerId();
      const sessionId = newSessionId();
      const greeted = await say(sessionId, ownerId, "hello");
      const puzzled = await say(sessionId, ownerId, "zxqv blorp");
      wording[tone] = [replies(greeted)[0]!, replies(puzzled).at(-1)!];
    }
    expect(wording.friendly).toEqual([expect.stringMatching(/What subject would you like help with\?$/), expect.stringMatching(/^Sorry, I didn't catch that\./)]);
    expect(wording.concise).toEqual([expect.stringMatching(/Which subject\?$/), expect.stringMatching(/^I didn't understand that\./)]);
    expect(wording.formal).toEqual([expect.stringMatching(/Which subject may I help you with\?$/), expect.stringMatching(/^I am sorry, I did not understand that\./)]);
  });

  it("reads the persona in the policy's own statement: 0 extra D1 statements per exchange", async () => {
    const before = await meteredTurn("hello");
    await setPersona({ ...AVA, tone: "formal" });
    const after = await meteredTurn("hello");
    expect(after.turn.replies[0]?.content).toBe("Hello, I'm Ava, the center's automated assistant. Which subject may I help you with?");
    expect(before.turn.replies[0]?.content).toMatch(/^Hi! I'm an automated tutoring assistant/);
    // The persona's columns come in the settings row the center's one statement already reads (with the zone and
    // the rules): no statement of its own, and a configured persona costs the same statements as the defaults.
    expect(after.personaReads).toHaveLength(1);
    expect(after.personaReads[0]).toMatch(/time_zone, min_lead_minutes[\s\S]*assistant_name, assistant_greeting, assistant_tone, assistant_reader[\s\S]*FROM center_settings WHERE center_id = \?2/);
    expect(after.statements).toBe(before.statements);
  });

  it("refuses a bad persona with field errors and changes nothing", async () => {
    await setPersona(AVA);
    const stored = await personaColumns();
    const bad: [Partial<AssistantPersona>, string][] = [
      [{ name: "<b>Ava</b>" }, "persona.name"],
      [{ name: "" }, "persona.name"],
      [{ name: "A".repeat(41) }, "persona.name"],
      [{ name: "9 Lives" }, "persona.name"],
      [{ greeting: "Hello there, I'm Ava." }, "persona.greeting"],
      [{ greeting: "Hi! I'm the automated assistant of {school}." }, "persona.greeting"],
      [{ greeting: "Hi! I'm an automated assistant. [Click](https://evil.test)" }, "persona.greeting"],
      [{ greeting: `Hi, I'm an automated assistant. ${"x".repeat(300)}` }, "persona.greeting"],
      [{ tone: "sarcastic" as AssistantPersona["tone"] }, "persona.tone"],
    ];
    for (const [change, path] of bad) {
      const refused = await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, name: "Changed Center", persona: { ...AVA, ...change } });
      expect(refused, JSON.stringify(change)).toMatchObject({ ok: false, error: { code: "bad_request:body", issues: expect.arrayContaining([expect.objectContaining({ path })]) } });
    }
    const extra = await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, persona: { ...AVA, emoji: "🙂" } });
    expect(extra).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await personaColumns()).toEqual(stored);
    expect(unwrapOk(await sidecar.centerPolicy(FIRST_CENTER)).name).toBe(DEFAULT_CENTER_POLICY.name);
  });

  it("refuses a staff member who is not an admin, and leaves the persona as stored when a save omits it", async () => {
    await setPersona(AVA);
    const refused = await sidecar.staffUpdateCenterSettings(staff.session.token, { ...SETTINGS, persona: DEFAULT_PERSONA });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await personaColumns()).toMatchObject({ assistant_name: "Ava" });
    // Every staff member may read it (the settings page shows it read-only).
    expect(unwrapOk(await sidecar.staffCenterSettings(staff.session.token)).persona).toEqual(AVA);
    const saved = unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, weeklyCap: 4 }));
    expect(saved).toMatchObject({ weeklyCap: 4, persona: AVA });
    unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS }));
  });
});
