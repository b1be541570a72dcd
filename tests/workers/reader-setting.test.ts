import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { DEFAULT_CENTER_POLICY, type AssistantReader } from "../../lib/center/policy";
import { EMPTY_SESSION_FIELDS } from "../../lib/schemas";
import type { StaffSignedIn } from "../../lib/staff/schemas";
import { SLOT_TOOL_NAME } from "../../lib/tutoring/model-reader";
import { freshCenter } from "./center-helpers";
import { builtinTurn } from "../../services/assistant-turn";
import { CenterSettingsDesk } from "../../workers/staff/center-settings";
import { FakeAuthenticator } from "../fakes/authenticator";
import { FakeWorkersAi } from "../fakes/workers-ai";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

const { closedDates: _none, persona: _persona, assistantReader: _reader, ...SETTINGS } = DEFAULT_CENTER_POLICY;

/** Names no subject, day, time or tutor the deterministic reader knows: it is unsure. */
const VAGUE = "my professor talks way too fast and I'm totally lost in class";

let admin: StaffSignedIn;
let staff: StaffSignedIn;

async function setReader(assistantReader: AssistantReader) {
  return unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, assistantReader }));
}

async function readerColumn() {
  return (await env.DB.prepare("SELECT assistant_reader FROM center_settings WHERE id = 1").first<{ assistant_reader: string }>())?.assistant_reader;
}

/** One built-in turn of a fresh chat with `ai` as the deployment's AI binding (or none), its D1 statements counted. */
async function turnWith(ai: FakeWorkersAi | undefined, content = VAGUE) {
  let statements = 0;
  const db = new Proxy(env.DB, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key);
      if (key === "prepare") return (query: string) => (statements++, target.prepare(query));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const turn = await builtinTurn({
    env: { ...env, DB: db, ...(ai ? { AI: ai } : {}) }, sessionId: newSessionId(), ownerId: newOwnerId(), messageId: crypto.randomUUID(), content,
    fields: EMPTY_SESSION_FIELDS, transcript: () => [], now: new Date(),
    // The center as its Center object would read it now, through the counted database.
    center: () => freshCenter(db),
  });
  return { turn, statements };
}

const calculus = () => FakeWorkersAi.calling(SLOT_TOOL_NAME, { subject: "Calculus I" });

describe("the model-backed reader, a center setting on /staff/settings", () => {
  beforeAll(async () => {
    await seedCatalog();
    admin = await enrolled(await FakeAuthenticator.create(), "admin");
    staff = await enrolled(await FakeAuthenticator.create(), "staff");
  });

  it("starts off: the migration's default, and the model is never asked", async () => {
    expect(await readerColumn()).toBe("off");
    const ai = calculus();
    const { turn } = await turnWith(ai);
    expect(ai.calls).toHaveLength(0);
    expect(turn.patch.searchCriteria?.skill).toBeUndefined();
  });

  it("with the setting on, an unsure message is read by the model and the search takes its subject", async () => {
    expect((await setReader("model")).assistantReader).toBe("model");
    const ai = calculus();
    const { turn } = await turnWith(ai);
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]?.messages.at(-1)).toEqual({ role: "user", content: VAGUE });
    expect(turn.patch.searchCriteria?.skill).toBe("Calculus I");
    // A sure message never reaches it, setting or not.
    const sure = calculus();
    await turnWith(sure, "Python on Monday at 10");
    expect(sure.calls).toHaveLength(0);
    await setReader("off");
  });

  it("reaches the next turn when toggled, and costs no D1 statement of its own (it comes in the policy's batch)", async () => {
    const before = await turnWith(calculus());
    await setReader("model");
    const on = calculus();
    const after = await turnWith(on);
    expect(on.calls).toHaveLength(1);
    expect(after.statements).toBe(before.statements);
    await setReader("off");
    const off = calculus();
    await turnWith(off);
    expect(off.calls).toHaveLength(0);
  });

  it("on where the deployment has no model: the deterministic reader answers, and the page is told the model is not available", async () => {
    await setReader("model");
    const { turn } = await turnWith(undefined);
    expect(turn.replies.length).toBeGreaterThan(0);
    expect(turn.patch.searchCriteria?.skill).toBeUndefined();
    const here = unwrapOk(await sidecar.staffCenterSettings(staff.session.token));
    expect(here).toMatchObject({ assistantReader: "model", modelReaderAvailable: false });
    const withModel = unwrapOk(await new CenterSettingsDesk({ ...env, AI: calculus() }).read(staff.session.token));
    expect(withModel.modelReaderAvailable).toBe(true);
    await setReader("off");
  });

  it("refuses a bad value with 400 and field errors, changes nothing, and keeps the stored value when a save omits it", async () => {
    await setReader("model");
    for (const bad of ["llm", "on", "MODEL", true, 1, null, ""]) {
      const refused = await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, name: "Changed Center", assistantReader: bad });
      expect(refused, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: "bad_request:body", issues: expect.arrayContaining([expect.objectContaining({ path: "assistantReader" })]) } });
      if (!refused.ok) expect(new AppError(refused.error.code as "bad_request:body", refused.error.message).status).toBe(400);
    }
    expect(await readerColumn()).toBe("model");
    expect(unwrapOk(await sidecar.staffCenterSettings(admin.session.token)).name).toBe(DEFAULT_CENTER_POLICY.name);
    // Only an admin may switch it.
    const forbidden = await sidecar.staffUpdateCenterSettings(staff.session.token, { ...SETTINGS, assistantReader: "off" });
    expect(forbidden).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await readerColumn()).toBe("model");
    expect(unwrapOk(await sidecar.staffUpdateCenterSettings(admin.session.token, { ...SETTINGS, weeklyCap: 3 }))).toMatchObject({ weeklyCap: 3, assistantReader: "model" });
    await setReader("off");
    expect(await readerColumn()).toBe("off");
  });
});
