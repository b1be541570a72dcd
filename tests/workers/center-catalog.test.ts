import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FIRST_CENTER } from "../../lib/center/ids";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import { addDays, localNow, nextDateFor } from "../../lib/calendar";
import type { ChatState } from "../../lib/schemas";
import type { TutorInputDraft } from "../../lib/staff/tutor-schemas";
import { Center } from "../../durable-objects/center";
import { centerObject } from "../../services/objects";
import { insertOfferedBooking } from "../../services/db/bookings";
import { performEffect } from "../../services/effects";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { lastReplies } from "./memory-helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * Two centers in one deployment (docs/centers.md): the first ("main", the seed catalog) and "math",
 * made here with its own tutor, hours and persona. Each center's students are matched, greeted and
 * booked by their own center's catalog and settings only, and each center's staff edit theirs only.
 */

const MATH = "math";
const MATH_TUTOR = "t-math-noether";
const GAUSS_GREETING = "Hi, I'm Gauss, the Math Lab's automated assistant.";

/** A second center: its row, its settings (main's rules, its own name and persona), its opening hours and one tutor. */
async function makeMathCenter() {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO centers (id, name, host, created_at) VALUES (?1, 'Math Lab', 'math.localhost', 0)").bind(MATH),
    env.DB.prepare(
      `INSERT INTO center_settings (id, center_id, name, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, updated_at, assistant_name, assistant_greeting)
       SELECT (SELECT MAX(id) + 1 FROM center_settings), ?1, 'Math Lab', time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, 0, 'Gauss', ?2
       FROM center_settings WHERE center_id = 'main'`,
    ).bind(MATH, GAUSS_GREETING),
    env.DB.prepare("INSERT INTO center_hours (center_id, day, open, close) SELECT ?1, day, open, close FROM center_hours WHERE center_id = 'main'").bind(MATH),
    env.DB.prepare("INSERT INTO tutors (id, name, bio, mode, center_id) VALUES (?1, 'Emmy Noether', 'Rings, symmetry and Python for proofs.', 'both', ?2)").bind(MATH_TUTOR, MATH),
    env.DB.prepare("INSERT INTO tutor_subjects (tutor_id, subject, subject_key) VALUES (?1, 'Topology', 'topology'), (?1, 'Python', 'python')").bind(MATH_TUTOR),
    env.DB.prepare(`INSERT INTO tutor_availability (tutor_id, day, start, "end") SELECT ?1, day, open, close FROM center_hours WHERE center_id = ?2`).bind(MATH_TUTOR, MATH),
  ]);
}

/** A new chat's state after one message from `ownerId`. */
async function ask(ownerId: string, content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(newSessionId(), ownerId, { content })).state;
}

/** The tutors a chat's state offers (the match and the alternatives). */
const offered = (state: ChatState) => [state.pendingMatch?.tutor.id, ...state.availableTutors.map((offer) => offer.tutor.id)].filter(Boolean);

/** An admin of `center`: enrolled as every test's staff are, then moved to that center (what a center's own invite makes). */
async function adminOf(center: string): Promise<string> {
  const admin = await enrolled(await FakeAuthenticator.create(), "admin");
  await env.DB.prepare("UPDATE staff_members SET center_id = ?2 WHERE id = ?1").bind(admin.member.id, center).run();
  return admin.session.token;
}

const catalogVersion = async (center: string) =>
  (await env.DB.prepare("SELECT catalog_version AS v FROM center_settings WHERE center_id = ?").bind(center).first<{ v: number }>())!.v;

/** The centers told of a change (`Center.changed`), counted on its class: the objects run in this isolate. */
const told: string[] = [];
const realChanged = Center.prototype.changed;
Center.prototype.changed = function (this: Center, center: unknown) {
  told.push(String(center));
  return realChanged.call(this, center);
};

const NOETHER_TWIN: TutorInputDraft = {
  name: "Sofia Kovalevskaya",
  bio: "Differential equations and knots.",
  mode: "online",
  subjects: ["Knot Theory"],
  hours: [{ day: "monday", start: "10:00", end: "12:00" }],
};

/** The next Monday from tomorrow on, in the center's zone (inside the lead time and the horizon). */
const nextMonday = () => nextDateFor("monday", addDays(localNow(new Date(), DEFAULT_CENTER_POLICY.timeZone).date, 1));

describe("catalog and settings per center", () => {
  beforeAll(async () => {
    await seedCatalog();
    await makeMathCenter();
  });
  afterEach(() => {
    told.length = 0;
  });

  it("matches a student of math only to math's tutors, and greets them with math's persona", async () => {
    const state = await ask(newOwnerId(MATH), "I need help with Python on Monday at 10");
    expect(state.pendingMatch?.tutor.id).toBe(MATH_TUTOR);
    expect(new Set(offered(state))).toEqual(new Set([MATH_TUTOR]));
    expect(lastReplies(state)).toContain(GAUSS_GREETING);
    // Public reads name their center: math's directory and persona, and an unknown center is not found.
    expect(unwrapOk(await sidecar.listTutors(MATH, "")).map((tutor) => tutor.id)).toEqual([MATH_TUTOR]);
    expect(unwrapOk(await sidecar.centerPolicy(MATH))).toMatchObject({ name: "Math Lab", persona: { name: "Gauss", greeting: GAUSS_GREETING } });
    for (const unknown of ["nowhere", "NOT A CENTER", ""]) {
      expect(await sidecar.centerPolicy(unknown)).toMatchObject({ ok: false, error: { code: "not_found:center" } });
      expect(await sidecar.listTutors(unknown, "")).toMatchObject({ ok: false, error: { code: "not_found:center" } });
    }
  });

  it("never shows a student of the first center math's tutors, and greets them as before", async () => {
    const owner = newOwnerId();
    expect((await ask(owner, "I need help with Topology on Monday at 10")).pendingMatch).toBeNull();
    const python = await ask(owner, "I need help with Python on Monday at 10");
    expect(python.pendingMatch).not.toBeNull();
    expect(offered(python)).not.toContain(MATH_TUTOR);
    expect(lastReplies(python)).not.toContain("Gauss");
    expect(unwrapOk(await sidecar.listTutors(FIRST_CENTER, "")).map((tutor) => tutor.id)).not.toContain(MATH_TUTOR);
    expect(unwrapOk(await sidecar.listTutors(FIRST_CENTER, "topo"))).toEqual([]);
    expect(unwrapOk(await sidecar.centerPolicy(FIRST_CENTER)).persona.name).not.toBe("Gauss");
  });

  it("refuses to book math's tutor for a student of the first center, as an unknown tutor, and writes nothing", async () => {
    const date = nextMonday();
    const booking = { tutorId: MATH_TUTOR, date, start: "10:00", end: "11:00", studentName: "Ada Lovelace", studentEmail: "ada@example.com", mode: "online" as const, intake: "Proofs", subject: "Python" };
    const forged = await performEffect(
      { type: "create_booking", booking },
      { env, sessionId: newSessionId(), ownerId: newOwnerId(), messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: DEFAULT_CENTER_POLICY },
    );
    expect(forged).toMatchObject({ ok: false, reason: "unavailable" });
    const unknown = await performEffect(
      { type: "create_booking", booking: { ...booking, tutorId: "t-nobody" } },
      { env, sessionId: newSessionId(), ownerId: newOwnerId(), messageId: crypto.randomUUID(), transcript: [], now: new Date(), policy: DEFAULT_CENTER_POLICY },
    );
    expect(forged).toEqual(unknown);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM bookings WHERE tutor_id = ?").bind(MATH_TUTOR).first<{ n: number }>()).toEqual({ n: 0 });

    // The same slot, for a student of math: booked (the refusal above was the center, nothing else).
    const made = await insertOfferedBooking(env.DB, {
      id: `bk-${crypto.randomUUID().replaceAll("-", "")}`, sessionId: newSessionId(), ownerId: newOwnerId(MATH), ...booking, now: Date.now(), timeZone: DEFAULT_CENTER_POLICY.timeZone,
    });
    expect(made).toEqual(expect.any(String));
  });

  it("brings a math admin's settings, tutor and alias edits to math's chats and not the first center's", async () => {
    const mathAdmin = await adminOf(MATH);
    const mainVersion = await catalogVersion(FIRST_CENTER);
    const mainGreeting = lastReplies(await ask(newOwnerId(), "hello")).split("\n")[0];

    // Settings (the persona): math's Center is told, its next chat greets with it; main's is not told and greets as before.
    const { closedDates: _closed, persona: _persona, modelReaderAvailable: _reader, ...input } = unwrapOk(await sidecar.staffCenterSettings(mathAdmin));
    const ada = { name: "Ada", greeting: "Hello, I'm Ada, the Math Lab's automated assistant.", tone: "friendly" as const };
    expect(unwrapOk(await sidecar.staffUpdateCenterSettings(mathAdmin, { ...input, persona: ada })).name).toBe("Math Lab");
    expect(told).toEqual([MATH]);
    expect(lastReplies(await ask(newOwnerId(MATH), "hello"))).toContain(ada.greeting);
    expect(lastReplies(await ask(newOwnerId(), "hello")).split("\n")[0]).toBe(mainGreeting);
    expect(unwrapOk(await sidecar.centerPolicy(FIRST_CENTER)).name).not.toBe("Math Lab");

    // A tutor: math's students find them, main's do not; main's catalog version does not move.
    told.length = 0;
    const mathVersion = await catalogVersion(MATH);
    const { tutor } = unwrapOk(await sidecar.staffCreateTutor(mathAdmin, NOETHER_TWIN));
    expect(told).toEqual([MATH]);
    expect(await catalogVersion(MATH)).toBeGreaterThan(mathVersion);
    expect(await catalogVersion(FIRST_CENTER)).toBe(mainVersion);
    expect((await ask(newOwnerId(MATH), "I need help with Knot Theory on Monday at 10")).pendingMatch?.tutor.id).toBe(tutor.id);
    expect((await ask(newOwnerId(), "I need help with Knot Theory on Monday at 10")).pendingMatch).toBeNull();

    // An alias: math's subject only; main's staff cannot name it, and main's list does not hold it.
    told.length = 0;
    expect(unwrapOk(await sidecar.staffAddSubjectAlias(mathAdmin, { alias: "MATH 540", subject: "Topology" }))).toMatchObject({ subject: "Topology" });
    expect(told).toEqual([MATH]);
    const mainAdmin = await adminOf(FIRST_CENTER);
    expect(unwrapOk(await sidecar.staffSubjectAliases(mainAdmin)).aliases.map((alias) => alias.alias)).not.toContain("MATH 540");
    expect(await sidecar.staffAddSubjectAlias(mainAdmin, { alias: "TOPO", subject: "Topology" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffRemoveSubjectAlias(mainAdmin, "math 540")).toMatchObject({ ok: false, error: { code: "not_found:subject_alias" } });
    expect((await ask(newOwnerId(MATH), "I need help with MATH 540 on Monday at 10")).pendingMatch?.tutor.id).toBe(MATH_TUTOR);
    expect(await catalogVersion(FIRST_CENTER)).toBe(mainVersion);
  });

  it("answers another center's tutor as not found on the staff desk, and changes nothing", async () => {
    const mathAdmin = await adminOf(MATH);
    const before = await env.DB.prepare("SELECT name, bio, retired_at FROM tutors WHERE id = 't-001'").first();
    expect(unwrapOk(await sidecar.staffTutors(mathAdmin)).tutors.map((entry) => entry.id)).not.toContain("t-001");
    expect(await sidecar.staffTutor(mathAdmin, "t-001")).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
    expect(await sidecar.staffUpdateTutor(mathAdmin, "t-001", NOETHER_TWIN)).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
    expect(await sidecar.staffRetireTutor(mathAdmin, "t-001")).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
    expect(await env.DB.prepare("SELECT name, bio, retired_at FROM tutors WHERE id = 't-001'").first()).toEqual(before);
    expect(told).toEqual([]);
    // And the other way round: main's staff do not see math's tutor.
    const mainAdmin = await adminOf(FIRST_CENTER);
    expect(await sidecar.staffTutor(mainAdmin, MATH_TUTOR)).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
  });

  it("keeps each Center object to the center it first served: another center's name or none is refused", async () => {
    const chat = newSessionId();
    expect((await centerObject(env, MATH).snapshot(chat, MATH)).policy.name).toBe("Math Lab");
    // Called in the object (a refused RPC would surface as the object's own unhandled error here: one isolate).
    await runInDurableObject(centerObject(env, MATH), async (center: Center) => {
      await expect(center.snapshot(chat, FIRST_CENTER)).rejects.toThrow(/serves math/);
      await expect(center.changed("Not A Center")).rejects.toThrow(/no valid center/);
    });
    expect((await centerObject(env, FIRST_CENTER).snapshot(chat, FIRST_CENTER)).policy.name).not.toBe("Math Lab");
  });
});
