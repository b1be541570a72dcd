import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { newSecretToken, sha256Hex } from "../../lib/ids";
import { LIMITS } from "../../lib/rate-limits";
import type { StaffSignedIn } from "../../lib/staff/schemas";
import { FakeAuthenticator } from "../fakes/authenticator";
import { seedCatalog, unwrapOk } from "./helpers";
import { StaffAccess } from "../../workers/staff/members";
import { enrolled, meteredD1, newEmail, register, sidecar, signIn, SITE, staffRows } from "./staff-helpers";

/**
 * Taking staff access away, and keeping it straight: an admin lists members,
 * changes roles, disables a member (their open sessions end at once), removes
 * a passkey, and revokes invites; an existing member's email cannot be
 * invited again under another role, and the last active admin stays one.
 * Who may call these at all: tests/workers/staff-guards.test.ts.
 */

const REFUSED = { ok: false, error: { code: "unauthorized:staff" } };

const newAdmin = async () => enrolled(await FakeAuthenticator.create(), "admin");

/** Makes `admin` the only enabled admin (the earlier tests of this file enrolled others). */
async function onlyAdmin(admin: StaffSignedIn) {
  await env.DB.prepare("UPDATE staff_members SET disabled_at = ? WHERE role = 'admin' AND id <> ? AND disabled_at IS NULL").bind(Date.now(), admin.member.id).run();
}

beforeAll(async () => {
  await seedCatalog();
});

describe("the members list", () => {
  it("lists every member with role, state, last sign-in and passkeys, and the pending invites", async () => {
    const admin = await newAdmin();
    const phone = await FakeAuthenticator.create();
    const colleague = await enrolled(phone, "staff");
    unwrapOk(await signIn(phone));
    const email = newEmail("pending");
    unwrapOk(await sidecar.staffInvite(admin.session.token, { email, role: "tutor", tutorId: "t-001" }));

    const { members } = unwrapOk(await sidecar.staffMembers(admin.session.token));
    const listed = members.find((member) => member.id === colleague.member.id);
    expect(listed).toMatchObject({ email: colleague.member.email, role: "staff", disabledAt: null, passkeys: [{ credentialId: phone.credentialId }] });
    expect(listed?.lastSignInAt).toEqual(expect.any(Number));
    expect(members.find((member) => member.id === admin.member.id)).toMatchObject({ role: "admin" });

    const { invites } = unwrapOk(await sidecar.staffPendingInvites(admin.session.token));
    expect(invites.filter((invite) => invite.email === email.toLowerCase())).toEqual([
      expect.objectContaining({ role: "tutor", tutorId: "t-001", createdBy: admin.member.email, id: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
  });
});

describe("disabling a member", () => {
  it("ends their open sessions at once: the next request is refused, and their passkey signs nobody in", async () => {
    const admin = await newAdmin();
    const phone = await FakeAuthenticator.create();
    const member = await enrolled(phone, "staff");
    const second = unwrapOk(await signIn(phone));
    unwrapOk(await sidecar.staffInbox(member.session.token));

    const disabled = unwrapOk(await sidecar.staffDisableMember(admin.session.token, member.member.id));
    expect(disabled.disabledAt).toEqual(expect.any(Number));
    for (const token of [member.session.token, second.session.token]) {
      expect(await sidecar.staffSession(token)).toMatchObject(REFUSED);
      expect(await sidecar.staffInbox(token)).toMatchObject(REFUSED);
    }
    expect(await signIn(phone)).toMatchObject(REFUSED);
    // The sessions themselves are ended, not only hidden behind the member's flag.
    const live = await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_sessions WHERE staff_id = ? AND revoked_at IS NULL").bind(member.member.id).first<{ n: number }>();
    expect(live?.n).toBe(0);
  });

  it("enabling again lets the passkey sign in, and the sessions ended by the disable stay ended", async () => {
    const admin = await newAdmin();
    const phone = await FakeAuthenticator.create();
    const member = await enrolled(phone, "staff");
    unwrapOk(await sidecar.staffDisableMember(admin.session.token, member.member.id));
    expect(unwrapOk(await sidecar.staffEnableMember(admin.session.token, member.member.id)).disabledAt).toBeNull();
    expect(await sidecar.staffSession(member.session.token)).toMatchObject(REFUSED);
    unwrapOk(await signIn(phone));
  });
});

describe("changing a role", () => {
  it("applies from the member's next request, and a tutor's role names an existing tutor", async () => {
    const admin = await newAdmin();
    const member = await enrolled(await FakeAuthenticator.create(), "staff");
    expect(await sidecar.staffMembers(member.session.token)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });

    expect(unwrapOk(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "admin" }))).toMatchObject({ role: "admin" });
    unwrapOk(await sidecar.staffMembers(member.session.token));

    const before = await staffRows();
    expect(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "tutor" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "tutor", tutorId: "t-nobody" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "owner" } as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    expect(await sidecar.staffChangeRole(admin.session.token, "staff-nobody", { role: "staff" })).toMatchObject({ ok: false, error: { code: "not_found:staff_member" } });
    expect(await staffRows()).toEqual(before);

    const tutor = unwrapOk(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "tutor", tutorId: "t-001" }));
    expect(tutor).toMatchObject({ role: "tutor", tutorId: "t-001" });
    expect(unwrapOk(await sidecar.staffSession(member.session.token)).member).toMatchObject({ role: "tutor", tutorId: "t-001" });
    expect(await sidecar.staffInbox(member.session.token)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    // Back to staff: the link to the tutor goes with the role.
    const back = unwrapOk(await sidecar.staffChangeRole(admin.session.token, member.member.id, { role: "staff" }));
    expect(back.role).toBe("staff");
    expect(back.tutorId).toBeUndefined();
  });
});

describe("the last active admin", () => {
  it("cannot demote or disable themselves, and changes nothing trying", async () => {
    const admin = await newAdmin();
    await onlyAdmin(admin);
    const before = await staffRows();
    for (const attempt of [
      () => sidecar.staffChangeRole(admin.session.token, admin.member.id, { role: "staff" }),
      () => sidecar.staffDisableMember(admin.session.token, admin.member.id),
    ]) {
      expect(await attempt()).toMatchObject({ ok: false, error: { code: "conflict:last_admin", message: expect.stringContaining("admin") } });
    }
    expect(await staffRows()).toEqual(before);
    unwrapOk(await sidecar.staffMembers(admin.session.token));

    // With a second admin, the first may step down.
    const second = await newAdmin();
    expect(unwrapOk(await sidecar.staffChangeRole(admin.session.token, admin.member.id, { role: "staff" })).role).toBe("staff");
    expect(await sidecar.staffMembers(admin.session.token)).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffDisableMember(second.session.token, second.member.id)).toMatchObject({ ok: false, error: { code: "conflict:last_admin" } });
  });

  it("two admins demoting each other at the same moment: one change wins, one admin stays", async () => {
    const [a, b] = [await newAdmin(), await newAdmin()];
    await onlyAdmin(a);
    await env.DB.prepare("UPDATE staff_members SET disabled_at = NULL WHERE id = ?").bind(b.member.id).run();
    const results = await Promise.all([
      sidecar.staffChangeRole(a.session.token, b.member.id, { role: "staff" }),
      sidecar.staffDisableMember(b.session.token, a.member.id),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const admins = await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_members WHERE role = 'admin' AND disabled_at IS NULL").first<{ n: number }>();
    expect(admins?.n).toBe(1);
  });
});

describe("removing a passkey", () => {
  it("signs nobody in with it again and ends the sessions it opened; the member's other passkey keeps working", async () => {
    const admin = await newAdmin();
    const phone = await FakeAuthenticator.create();
    const member = await enrolled(phone, "staff");
    const laptop = await FakeAuthenticator.create();
    const link = unwrapOk(await sidecar.staffPasskeyLink(admin.session.token, member.member.id));
    expect((await register(laptop, link.inviteToken)).member).toEqual(member.member);
    const onLaptop = unwrapOk(await signIn(laptop));

    const after = unwrapOk(await sidecar.staffRemovePasskey(admin.session.token, member.member.id, laptop.credentialId));
    expect(after.passkeys.map((passkey) => passkey.credentialId)).toEqual([phone.credentialId]);
    expect(await sidecar.staffSession(onLaptop.session.token)).toMatchObject(REFUSED);
    expect(await signIn(laptop)).toMatchObject(REFUSED);
    unwrapOk(await sidecar.staffSession(member.session.token));
    unwrapOk(await signIn(phone));

    // Someone else's passkey through this member, or one already gone: 404, nothing changes.
    const other = await FakeAuthenticator.create();
    await enrolled(other, "staff");
    const before = await staffRows();
    expect(await sidecar.staffRemovePasskey(admin.session.token, member.member.id, other.credentialId)).toMatchObject({ ok: false, error: { code: "not_found:passkey" } });
    expect(await sidecar.staffRemovePasskey(admin.session.token, member.member.id, laptop.credentialId)).toMatchObject({ ok: false, error: { code: "not_found:passkey" } });
    expect(await staffRows()).toEqual(before);
  });
});

describe("invites", () => {
  it("refuses to invite an existing member's email (409 with a code), writing nothing", async () => {
    const admin = await newAdmin();
    const existing = await newAdmin();
    const before = await staffRows();
    const answer = await sidecar.staffInvite(admin.session.token, { email: existing.member.email.toUpperCase(), role: "tutor", tutorId: "t-001" });
    expect(answer).toMatchObject({ ok: false, error: { code: "conflict:staff_member", message: expect.stringContaining("already") } });
    expect(await staffRows()).toEqual(before);
    expect(unwrapOk(await sidecar.staffSession(existing.session.token)).member.role).toBe("admin");
  });

  it("an invite written outside the console for an existing member's email registers nothing: the role stays", async () => {
    const existing = await newAdmin();
    // As an invite made before the rule (or by hand) sits in D1: insertStaffInvite itself refuses this address now.
    const token = newSecretToken();
    await env.DB.prepare("INSERT INTO staff_invites (token_hash, email, role, tutor_id, created_at, expires_at) VALUES (?, ?, 'tutor', 't-001', ?, ?)")
      .bind(await sha256Hex(token), existing.member.email, Date.now(), Date.now() + 60 * 60_000)
      .run();
    const before = await staffRows();
    const authenticator = await FakeAuthenticator.create();
    const options = await sidecar.staffInviteOptions(token, SITE);
    expect(options).toMatchObject({ ok: false, error: { code: "conflict:staff_member" } });
    expect(await staffRows()).toEqual(before);
    expect(await signIn(authenticator)).toMatchObject(REFUSED);
  });

  it("a new invite to an address with a pending one replaces it: the old link stops working", async () => {
    const admin = await newAdmin();
    const email = newEmail("twice");
    const first = unwrapOk(await sidecar.staffInvite(admin.session.token, { email, role: "admin" }));
    const begun = unwrapOk(await sidecar.staffInviteOptions(first.inviteToken, SITE));
    const second = unwrapOk(await sidecar.staffInvite(admin.session.token, { email, role: "staff" }));
    expect(await sidecar.staffInviteOptions(first.inviteToken, SITE)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    const late = await sidecar.staffRegister(first.inviteToken, begun.challengeId, await (await FakeAuthenticator.create()).register(begun.options, { origin: SITE.origin }), SITE);
    expect(late).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(unwrapOk(await sidecar.staffPendingInvites(admin.session.token)).invites.filter((invite) => invite.email === email.toLowerCase())).toHaveLength(1);
    expect((await register(await FakeAuthenticator.create(), second.inviteToken)).member).toMatchObject({ role: "staff" });
  });

  it("revoking a pending invite makes its link fail, also for a ceremony already begun", async () => {
    const admin = await newAdmin();
    const email = newEmail("revoked");
    const created = unwrapOk(await sidecar.staffInvite(admin.session.token, { email, role: "admin" }));
    const begun = unwrapOk(await sidecar.staffInviteOptions(created.inviteToken, SITE));
    const id = await sha256Hex(created.inviteToken);
    unwrapOk(await sidecar.staffRevokeInvite(admin.session.token, id));
    expect(await sidecar.staffInviteOptions(created.inviteToken, SITE)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    const before = await staffRows();
    const answer = await sidecar.staffRegister(created.inviteToken, begun.challengeId, await (await FakeAuthenticator.create()).register(begun.options, { origin: SITE.origin }), SITE);
    expect(answer).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await staffRows()).toEqual(before);
    expect(unwrapOk(await sidecar.staffPendingInvites(admin.session.token)).invites.map((invite) => invite.id)).not.toContain(id);
    // Revoked, used or unknown: 404, and nothing changes.
    expect(await sidecar.staffRevokeInvite(admin.session.token, id)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await sidecar.staffRevokeInvite(admin.session.token, "0".repeat(64))).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await sidecar.staffRevokeInvite(admin.session.token, "not an id")).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await staffRows()).toEqual(before);
  });

  it("a new passkey link keeps the member's role, and a disabled member's link registers nothing", async () => {
    const admin = await newAdmin();
    const member = await enrolled(await FakeAuthenticator.create(), "tutor", "t-001");
    const link = unwrapOk(await sidecar.staffPasskeyLink(admin.session.token, member.member.id));
    const options = unwrapOk(await sidecar.staffInviteOptions(link.inviteToken, SITE));
    expect(options).toMatchObject({ email: member.member.email, role: "tutor" });
    expect((await register(await FakeAuthenticator.create(), link.inviteToken)).member).toEqual(member.member);

    const another = unwrapOk(await sidecar.staffPasskeyLink(admin.session.token, member.member.id));
    unwrapOk(await sidecar.staffDisableMember(admin.session.token, member.member.id));
    const begun = await sidecar.staffInviteOptions(another.inviteToken, SITE);
    expect(begun).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffPasskeyLink(admin.session.token, "staff-nobody")).toMatchObject({ ok: false, error: { code: "not_found:staff_member" } });
  });
});

describe("limits and bad input", () => {
  it("limits one admin's changes with a 429; another admin is unaffected", async () => {
    const [busy, other] = [await newAdmin(), await newAdmin()];
    for (let i = 0; i < LIMITS.staffAdminActionsPerMember.limit; i++) {
      expect(await sidecar.staffRevokeInvite(busy.session.token, "0".repeat(64))).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    }
    expect(await sidecar.staffRevokeInvite(busy.session.token, "0".repeat(64))).toMatchObject({
      ok: false,
      error: { code: "rate_limited:staff_admin", retryAfterSeconds: expect.any(Number) },
    });
    expect(await sidecar.staffInvite(busy.session.token, { email: newEmail(), role: "staff" })).toMatchObject({ ok: false, error: { code: "rate_limited:staff_admin" } });
    // Reading is not limited.
    unwrapOk(await sidecar.staffMembers(busy.session.token));
    unwrapOk(await sidecar.staffInvite(other.session.token, { email: newEmail(), role: "staff" }));
  });

  it("answers unknown or malformed ids with a 404 and malformed input with a 400, changing nothing", async () => {
    const admin = await newAdmin();
    const before = await staffRows();
    for (const id of ["staff-nobody", "", "x".repeat(500), "../etc"]) {
      expect(await sidecar.staffDisableMember(admin.session.token, id)).toMatchObject({ ok: false, error: { code: "not_found:staff_member" } });
      expect(await sidecar.staffEnableMember(admin.session.token, id)).toMatchObject({ ok: false, error: { code: "not_found:staff_member" } });
      expect(await sidecar.staffPasskeyLink(admin.session.token, id)).toMatchObject({ ok: false, error: { code: "not_found:staff_member" } });
      expect(await sidecar.staffRemovePasskey(admin.session.token, id, "AAAA")).toMatchObject({ ok: false, error: { code: "not_found:passkey" } });
    }
    for (const change of [null, {}, { role: "admin", extra: 1 }, { role: "staff", tutorId: "t-001" }, "admin"]) {
      expect(await sidecar.staffChangeRole(admin.session.token, admin.member.id, change as never)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await staffRows()).toEqual(before);
  });
});

describe("what staff access costs", () => {
  it("writes a fixed number of D1 rows per change, and none to list", async () => {
    const admin = await newAdmin();
    const phone = await FakeAuthenticator.create();
    const member = await enrolled(phone, "staff");
    unwrapOk(await signIn(phone));
    const meter = meteredD1(env.DB);
    const access = new StaffAccess({ DB: meter.db, RATE_LIMITER: env.RATE_LIMITER });
    const cost = async (run: () => Promise<unknown>) => {
      meter.reset();
      await run();
      return { ...meter.counts };
    };
    const list = await cost(async () => unwrapOk(await access.members(admin.session.token)));
    const invite = await cost(async () => unwrapOk(await access.invite(admin.session.token, { email: newEmail("cost"), role: "staff" })));
    const role = await cost(async () => unwrapOk(await access.changeRole(admin.session.token, member.member.id, { role: "admin" })));
    let token = "";
    const link = await cost(async () => (token = unwrapOk(await access.passkeyLink(admin.session.token, member.member.id)).inviteToken));
    const laptop = await FakeAuthenticator.create();
    await register(laptop, token);
    // The laptop's passkey and the 1 session it opened; then the member and the phone's 2 live sessions.
    const removePasskey = await cost(async () => unwrapOk(await access.removePasskey(admin.session.token, member.member.id, laptop.credentialId)));
    const disable = await cost(async () => unwrapOk(await access.disable(admin.session.token, member.member.id)));
    const enable = await cost(async () => unwrapOk(await access.enable(admin.session.token, member.member.id)));
    const open = unwrapOk(await access.invite(admin.session.token, { email: newEmail("cost"), role: "staff" }));
    const revoke = await cost(async () => unwrapOk(await access.revokeInvite(admin.session.token, await sha256Hex(open.inviteToken))));
    const pending = await cost(async () => unwrapOk(await access.pendingInvites(admin.session.token)));
    const costs = { list, pending, invite, role, link, removePasskey, disable, enable, revoke };
    const written = Object.fromEntries(Object.entries(costs).map(([name, { rowsWritten }]) => [name, rowsWritten]));
    const statements = Object.fromEntries(Object.entries(costs).map(([name, { statements: count }]) => [name, count]));
    expect(written).toEqual({ list: 0, pending: 0, invite: 2, role: 1, link: 2, removePasskey: 2, disable: 3, enable: 1, revoke: 1 });
    expect(statements).toEqual({ list: 3, pending: 2, invite: 3, role: 4, link: 3, removePasskey: 5, disable: 5, enable: 4, revoke: 2 });
  });
});
