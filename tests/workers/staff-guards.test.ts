import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Result } from "../../lib/errors";
import { sha256Hex } from "../../lib/ids";
import type { StaffRole } from "../../lib/staff/schemas";
import { FakeAuthenticator } from "../fakes/authenticator";
import SidecarEntrypoint from "../../workers/sidecar";
import { unwrapOk } from "./helpers";
import { createInvite, enrolled, newEmail, sidecar, staffRows } from "./staff-helpers";

/**
 * Every staff RPC method × every caller who may not use it: an expired
 * session, a revoked one, a disabled member's, and each role the method is
 * not for. Each answer is a 401/403 result, and nothing in D1 or the queue
 * changed. (The web routes add the Origin check and the student-cookie cases:
 * e2e/staff.spec.ts.) A new staff method belongs in GUARDED.
 */

type Call = (token: string) => Promise<Result<unknown>>;

/** A member with a passkey and an open invite, for the staff-access methods to aim at (set in beforeAll). */
const target = { memberId: "", credentialId: "", inviteId: "" };
const GUARDED: { name: string; roles: StaffRole[]; call: Call }[] = [
  { name: "staffInvite", roles: ["admin"], call: (token) => sidecar.staffInvite(token, { email: newEmail("guard"), role: "staff" }) },
  { name: "staffSetDisplayName", roles: ["admin", "staff", "tutor"], call: (token) => sidecar.staffSetDisplayName(token, { displayName: "Hijacked" }) },
  { name: "staffInbox", roles: ["admin", "staff"], call: (token) => sidecar.staffInbox(token) },
  { name: "staffClaim", roles: ["admin", "staff"], call: (token) => sidecar.staffClaim(token, "m-guard:handoff") },
  { name: "staffReply", roles: ["admin", "staff"], call: (token) => sidecar.staffReply(token, { messageId: "m-guard:handoff", leaseId: "l", reply: "hi" }) },
  { name: "staffDeadLetters", roles: ["admin", "staff"], call: (token) => sidecar.staffDeadLetters(token) },
  { name: "staffRequeue", roles: ["admin", "staff"], call: (token) => sidecar.staffRequeue(token, "m-guard:handoff") },
  // The schedule lets a tutor in only when their account names a tutor (staff-schedule.test.ts); the `tutor` here names none.
  { name: "staffScheduleWeek", roles: ["admin", "staff"], call: (token) => sidecar.staffScheduleWeek(token, {}) },
  { name: "staffScheduleCancel", roles: ["admin", "staff"], call: (token) => sidecar.staffScheduleCancel(token, { bookingId: "b-guard", reason: "closed" }) },
  { name: "staffScheduleAttendance", roles: ["admin", "staff"], call: (token) => sidecar.staffScheduleAttendance(token, { bookingId: "b-guard", attendance: "no_show" }) },
  { name: "staffScheduleNote", roles: ["admin", "staff"], call: (token) => sidecar.staffScheduleNote(token, { bookingId: "b-guard", note: "x" }) },
  { name: "staffCenterSettings", roles: ["admin", "staff", "tutor"], call: (token) => sidecar.staffCenterSettings(token) },
  { name: "staffUpdateCenterSettings", roles: ["admin"], call: (token) => sidecar.staffUpdateCenterSettings(token, { name: "Hijacked" }) },
  { name: "staffAddClosedDate", roles: ["admin"], call: (token) => sidecar.staffAddClosedDate(token, { date: "2031-01-01", reason: "guard" }) },
  { name: "staffRemoveClosedDate", roles: ["admin"], call: (token) => sidecar.staffRemoveClosedDate(token, "2031-01-02") },
  { name: "staffSsoSettings", roles: ["admin"], call: (token) => sidecar.staffSsoSettings(token) },
  { name: "staffUpdateSsoSettings", roles: ["admin"], call: (token) => sidecar.staffUpdateSsoSettings(token, { issuer: "https://evil.example", clientId: "x", allowedDomains: "", staffClaim: null, staffValues: "", adminValues: "", label: null }) },
  { name: "staffTurnOffSso", roles: ["admin"], call: (token) => sidecar.staffTurnOffSso(token) },
  { name: "staffTutors", roles: ["admin", "staff", "tutor"], call: (token) => sidecar.staffTutors(token) },
  { name: "staffTutor", roles: ["admin", "staff", "tutor"], call: (token) => sidecar.staffTutor(token, "t-guard") },
  { name: "staffCreateTutor", roles: ["admin", "staff"], call: (token) => sidecar.staffCreateTutor(token, { name: "" } as never) },
  { name: "staffUpdateTutor", roles: ["admin", "staff"], call: (token) => sidecar.staffUpdateTutor(token, "t-guard", { name: "" } as never) },
  { name: "staffRetireTutor", roles: ["admin", "staff"], call: (token) => sidecar.staffRetireTutor(token, "t-guard") },
  { name: "staffSubjectAliases", roles: ["admin", "staff", "tutor"], call: (token) => sidecar.staffSubjectAliases(token) },
  { name: "staffAddSubjectAlias", roles: ["admin", "staff"], call: (token) => sidecar.staffAddSubjectAlias(token, { alias: "GUARD 101", subject: "Python" }) },
  { name: "staffRemoveSubjectAlias", roles: ["admin", "staff"], call: (token) => sidecar.staffRemoveSubjectAlias(token, "guard 102") },
  { name: "staffAnalytics", roles: ["admin", "staff"], call: (token) => sidecar.staffAnalytics(token, { from: "2026-11-01", to: "2026-11-02", granularity: "day" }) },
  // Staff access (workers/staff/members.ts): admins only. Each names a real member or passkey, so a call let through would change it.
  { name: "staffMembers", roles: ["admin"], call: (token) => sidecar.staffMembers(token) },
  { name: "staffPendingInvites", roles: ["admin"], call: (token) => sidecar.staffPendingInvites(token) },
  { name: "staffChangeRole", roles: ["admin"], call: (token) => sidecar.staffChangeRole(token, target.memberId, { role: "admin" }) },
  { name: "staffDisableMember", roles: ["admin"], call: (token) => sidecar.staffDisableMember(token, target.memberId) },
  { name: "staffEnableMember", roles: ["admin"], call: (token) => sidecar.staffEnableMember(token, target.memberId) },
  { name: "staffRemovePasskey", roles: ["admin"], call: (token) => sidecar.staffRemovePasskey(token, target.memberId, target.credentialId) },
  { name: "staffPasskeyLink", roles: ["admin"], call: (token) => sidecar.staffPasskeyLink(token, target.memberId) },
  { name: "staffRevokeInvite", roles: ["admin"], call: (token) => sidecar.staffRevokeInvite(token, target.inviteId) },
];

it("lists every staff method of the sidecar's API (a new one must be added here)", () => {
  // The methods that take a session token; sign-in's own ceremonies and staffSession/staffSignOut are tested in staff-auth.
  const OWN = new Set(["staffSession", "staffSignOut", "staffInviteOptions", "staffRegister", "staffSignInOptions", "staffSignIn"]);
  // The entry's methods come from its capability classes (workers/rpc/): the whole chain below the runtime's base.
  const names: string[] = [];
  for (let proto = SidecarEntrypoint.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) names.push(...Object.getOwnPropertyNames(proto));
  const staffMethods = [...new Set(names)].filter((name) => name.startsWith("staff") && !OWN.has(name));
  expect(staffMethods.sort()).toEqual(GUARDED.map((entry) => entry.name).sort());
});

const ROLES: StaffRole[] = ["admin", "staff", "tutor"];
const tokens = {} as Record<StaffRole | "expired" | "revoked" | "disabled", string>;

/** What a refused call must leave as it was: the staff tables, and the queue's open and dead messages. */
async function state() {
  const queue = env.MESSAGE_QUEUE.get(env.MESSAGE_QUEUE.idFromName("global"));
  const bookings = await env.DB.prepare("SELECT group_concat(id || status || COALESCE(attendance, '') || COALESCE(tutor_note, ''), ',') AS rows FROM bookings").first();
  const center = await env.DB.prepare(
    `SELECT (SELECT json_object('name', name, 'updated', updated_at, 'issuer', oidc_issuer, 'client', oidc_client_id) FROM center_settings) AS settings, (SELECT COUNT(*) FROM center_closed_dates) AS closed,
            (SELECT group_concat(id || COALESCE(retired_at, '') || COALESCE(updated_at, ''), ',') FROM tutors) AS tutors,
            (SELECT group_concat(alias_key || '|' || subject, ',') FROM subject_aliases) AS aliases`,
  ).first();
  return { staff: await staffRows(), bookings, center, pending: await queue.pending(50), dead: await queue.deadLetters(50) };
}

beforeAll(async () => {
  for (const role of ROLES) tokens[role] = (await enrolled(await FakeAuthenticator.create(), role)).session.token;
  const expired = await enrolled(await FakeAuthenticator.create(), "admin");
  await env.DB.prepare("UPDATE staff_sessions SET expires_at = ? WHERE token_hash = ?").bind(Date.now() - 1, await sha256Hex(expired.session.token)).run();
  tokens.expired = expired.session.token;
  const revoked = await enrolled(await FakeAuthenticator.create(), "admin");
  unwrapOk(await sidecar.staffSignOut(revoked.session.token));
  tokens.revoked = revoked.session.token;
  const disabled = await enrolled(await FakeAuthenticator.create(), "admin");
  await env.DB.prepare("UPDATE staff_members SET disabled_at = ? WHERE id = ?").bind(Date.now(), disabled.member.id).run();
  tokens.disabled = disabled.session.token;
  const victim = await FakeAuthenticator.create();
  target.memberId = (await enrolled(victim, "staff")).member.id;
  target.credentialId = victim.credentialId;
  target.inviteId = await sha256Hex(await createInvite(newEmail("guard-invite"), "staff"));
});

describe("every staff method refuses who may not use it, and changes nothing", () => {
  it.each(GUARDED)("$name", async ({ call, roles }) => {
    const before = await state();
    for (const who of ["expired", "revoked", "disabled"] as const) {
      expect(await call(tokens[who]), who).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    }
    for (const role of ROLES.filter((candidate) => !roles.includes(candidate))) {
      expect(await call(tokens[role]), role).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    }
    expect(await state()).toEqual(before);
  });

  it("lets the roles each method is for through the guard", async () => {
    for (const { name, roles, call } of GUARDED) {
      for (const role of roles) {
        const answer = await call(tokens[role]);
        // Past the guard: it succeeds, or fails for the request itself (an unknown message), never for who asked.
        if (!answer.ok) expect(answer.error.code, `${name} as ${role}`).not.toMatch(/^(unauthorized|forbidden):staff$/);
      }
    }
  });
});
