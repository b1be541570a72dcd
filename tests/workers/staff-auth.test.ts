import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../lib/ids";
import { LIMITS } from "../../lib/rate-limits";
import { STAFF_RP_NAME, STAFF_SESSION_MS } from "../../lib/staff/schemas";
import { checkStaffSession } from "../../workers/staff/sessions";
import { staffSignIn, staffSignInOptions } from "../../workers/staff/sign-in";
import { FakeAuthenticator, tamperSignature } from "../fakes/authenticator";
import { unwrapOk } from "./helpers";
import { createInvite, enrolled, meteredD1, newEmail, register, sidecar, signIn, SITE, staffRows } from "./staff-helpers";

const REFUSED = { ok: false, error: { code: "unauthorized:staff" } };

describe("staff passkey registration", () => {
  it("registers a passkey from an invite, opens a session, and signs in with it later", async () => {
    const email = newEmail("coordinator");
    const token = await createInvite(email, "admin");
    const invited = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    expect(invited).toMatchObject({ email: email.toLowerCase(), role: "admin" });
    expect(invited.options).toMatchObject({
      rp: { name: STAFF_RP_NAME, id: SITE.rpId },
      user: { name: email.toLowerCase() },
      attestation: "none",
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
    });

    const authenticator = await FakeAuthenticator.create();
    const response = await authenticator.register(invited.options, { origin: SITE.origin });
    const registered = unwrapOk(await sidecar.staffRegister(token, invited.challengeId, response, SITE));
    expect(registered.member).toMatchObject({ email: email.toLowerCase(), role: "admin" });
    expect(unwrapOk(await sidecar.staffSession(registered.session.token))).toEqual({ member: registered.member, expiresAt: registered.session.expiresAt });

    const options = unwrapOk(await sidecar.staffSignInOptions(SITE));
    expect(options.options.allowCredentials ?? []).toEqual([]);
    expect(options.options.rpId).toBe(SITE.rpId);
    expect(options.options.userVerification).toBe("required");
    const signedIn = unwrapOk(await sidecar.staffSignIn(options.challengeId, await authenticator.signIn(options.options, { origin: SITE.origin }), SITE));
    expect(signedIn.member).toEqual(registered.member);
    expect(signedIn.session.token).not.toBe(registered.session.token);
    expect(unwrapOk(await sidecar.staffSession(signedIn.session.token)).member).toEqual(registered.member);
    // D1 holds only the hash of a token.
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_sessions WHERE token_hash = ? OR token_hash = ?")
      .bind(signedIn.session.token, await sha256Hex(signedIn.session.token))
      .first<{ n: number }>();
    expect(stored?.n).toBe(1);
  });

  it("registers an invite only once, also when two registrations race", async () => {
    const token = await createInvite(newEmail(), "staff");
    const [first, second] = [await FakeAuthenticator.create(), await FakeAuthenticator.create()];
    const a = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    const b = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    const before = await staffRows();
    const results = await Promise.all([
      sidecar.staffRegister(token, a.challengeId, await first.register(a.options, { origin: SITE.origin }), SITE),
      sidecar.staffRegister(token, b.challengeId, await second.register(b.options, { origin: SITE.origin }), SITE),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    const after = await staffRows();
    expect([after.members, after.passkeys, after.sessions, after.openInvites]).toEqual([
      before.members + 1,
      before.passkeys + 1,
      before.sessions + 1,
      before.openInvites - 1,
    ]);
    // Afterwards the link is simply used.
    expect(await sidecar.staffInviteOptions(token, SITE)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await sidecar.staffRegister(token, a.challengeId, await first.register(a.options, { origin: SITE.origin }), SITE)).toMatchObject({
      ok: false,
      error: { code: "not_found:invite" },
    });
  });

  it("answers 410 for an expired invite and 404 for an unknown one", async () => {
    const now = Date.now();
    const expired = await createInvite(newEmail(), "staff", { now: now - 25 * 60 * 60_000, expiresAt: now - 60 * 60_000 });
    expect(await sidecar.staffInviteOptions(expired, SITE)).toMatchObject({ ok: false, error: { code: "gone:invite" } });
    expect(await sidecar.staffInviteOptions("A".repeat(43), SITE)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
    expect(await sidecar.staffInviteOptions("not a token", SITE)).toMatchObject({ ok: false, error: { code: "not_found:invite" } });
  });

  it("refuses a passkey created without user verification (no fingerprint or PIN), spending nothing but the challenge", async () => {
    const token = await createInvite(newEmail(), "staff");
    const authenticator = await FakeAuthenticator.create();
    const invited = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    const before = await staffRows();
    const response = await authenticator.register(invited.options, { origin: SITE.origin, userVerified: false });
    expect(await sidecar.staffRegister(token, invited.challengeId, response, SITE)).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    expect(await staffRows()).toEqual(before);
    // The invite still works, with verification.
    await register(authenticator, token);
  });

  it("answers 409 when a passkey already registered is offered for another invite, and spends that invite on nothing", async () => {
    const phone = await FakeAuthenticator.create();
    await enrolled(phone);
    const token = await createInvite(newEmail(), "staff");
    const { options, challengeId } = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    const answer = await sidecar.staffRegister(token, challengeId, await phone.register(options, { origin: SITE.origin }), SITE);
    expect(answer).toMatchObject({ ok: false, error: { code: "conflict:passkey" } });
    // The invite is still open for a new authenticator.
    await register(await FakeAuthenticator.create(), token);
  });

  it("refuses an answer from another origin and spends neither the invite nor anything else", async () => {
    const token = await createInvite(newEmail(), "staff");
    const authenticator = await FakeAuthenticator.create();
    const invited = unwrapOk(await sidecar.staffInviteOptions(token, SITE));
    const before = await staffRows();
    const response = await authenticator.register(invited.options, { origin: "https://evil.test" });
    expect(await sidecar.staffRegister(token, invited.challengeId, response, SITE)).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    expect(await staffRows()).toEqual(before);
    // The invite still works.
    await register(authenticator, token);
  });
});

describe("staff passkey sign-in", () => {
  it("refuses an assertion without user verification, writing nothing", async () => {
    const authenticator = await FakeAuthenticator.create();
    await enrolled(authenticator);
    const before = await staffRows();
    expect(await signIn(authenticator, { userVerified: false })).toMatchObject(REFUSED);
    expect(await staffRows()).toEqual(before);
    unwrapOk(await signIn(authenticator));
  });

  it("does not accept a challenge twice", async () => {
    const authenticator = await FakeAuthenticator.create();
    await enrolled(authenticator);
    const { options, challengeId } = unwrapOk(await sidecar.staffSignInOptions(SITE));
    unwrapOk(await sidecar.staffSignIn(challengeId, await authenticator.signIn(options, { origin: SITE.origin }), SITE));
    expect(await sidecar.staffSignIn(challengeId, await authenticator.signIn(options, { origin: SITE.origin }), SITE)).toMatchObject(REFUSED);
  });

  it("answers a wrong origin, a wrong rpId, a tampered signature or an unknown passkey with the same 401, writing nothing", async () => {
    const authenticator = await FakeAuthenticator.create();
    await enrolled(authenticator);
    const stranger = await FakeAuthenticator.create();
    const attempts = {
      "wrong origin": () => signIn(authenticator, { origin: "https://staff.evil.test" }),
      "wrong rpId": () => signIn(authenticator, { rpId: "evil.test" }),
      "tampered signature": async () => {
        const { options, challengeId } = unwrapOk(await sidecar.staffSignInOptions(SITE));
        return sidecar.staffSignIn(challengeId, tamperSignature(await authenticator.signIn(options, { origin: SITE.origin })), SITE);
      },
      "unknown passkey": () => signIn(stranger),
      "not a response": async () => sidecar.staffSignIn(unwrapOk(await sidecar.staffSignInOptions(SITE)).challengeId, { id: "x" }, SITE),
    };
    const messages = new Set<string>();
    for (const [name, attempt] of Object.entries(attempts)) {
      const before = await staffRows();
      const result = await attempt();
      expect(result, name).toMatchObject(REFUSED);
      if (!result.ok) messages.add(result.error.message);
      expect(await staffRows(), name).toEqual(before);
    }
    expect(messages.size).toBe(1);
    unwrapOk(await signIn(authenticator));
  });

  it("refuses an assertion whose counter did not grow (a cloned authenticator)", async () => {
    const authenticator = await FakeAuthenticator.create({ counting: true });
    await enrolled(authenticator);
    unwrapOk(await signIn(authenticator));
    unwrapOk(await signIn(authenticator));
    const counter = authenticator.signCount;
    authenticator.signCount = counter - 1; // the next assertion repeats the stored counter
    expect(await signIn(authenticator)).toMatchObject(REFUSED);
    authenticator.signCount = 0;
    expect(await signIn(authenticator)).toMatchObject(REFUSED);
    authenticator.signCount = counter;
    unwrapOk(await signIn(authenticator));
  });

  it("signs in an authenticator that keeps no counter, again and again", async () => {
    const authenticator = await FakeAuthenticator.create({ counting: false });
    await enrolled(authenticator);
    unwrapOk(await signIn(authenticator));
    unwrapOk(await signIn(authenticator));
  });

  it("limits sign-in attempts per client address with a 429, other addresses and loopback unaffected", async () => {
    const authenticator = await FakeAuthenticator.create();
    await enrolled(authenticator);
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < LIMITS.staffSignInsPerIp.limit; i++) expect(await signIn(authenticator, { ip, origin: "https://evil.test" })).toMatchObject(REFUSED);
    expect(await signIn(authenticator, { ip })).toMatchObject({ ok: false, error: { code: "rate_limited:staff_sign_in", retryAfterSeconds: expect.any(Number) } });
    unwrapOk(await signIn(authenticator, { ip: "198.51.100.7" }));
    for (let i = 0; i <= LIMITS.staffSignInsPerIp.limit; i++) unwrapOk(await signIn(authenticator, { ip: "127.0.0.1" }));
  });

  it("limits the challenges one address may ask for (each is a row written), more loosely than sign-ins", async () => {
    const client = { ip: `198.51.100.${Math.floor(Math.random() * 250)}` };
    for (let i = 0; i < LIMITS.staffChallengesPerIp.limit; i++) unwrapOk(await sidecar.staffSignInOptions(SITE, client));
    expect(await sidecar.staffSignInOptions(SITE, client)).toMatchObject({ ok: false, error: { code: "rate_limited:staff_sign_in" } });
    unwrapOk(await sidecar.staffSignInOptions(SITE, { ip: "192.0.2.1" }));
  });

  it("refuses a disabled member's passkey and ends their sessions", async () => {
    const authenticator = await FakeAuthenticator.create();
    const { member, session } = await enrolled(authenticator);
    const admin = await enrolled(await FakeAuthenticator.create(), "admin");
    unwrapOk(await sidecar.staffDisableMember(admin.session.token, member.id));
    expect(await sidecar.staffSession(session.token)).toMatchObject(REFUSED);
    expect(await signIn(authenticator)).toMatchObject(REFUSED);
  });
});

describe("staff sessions and invites", () => {
  it("answers 401 for a session after sign-out, and signs out twice without complaint", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create());
    unwrapOk(await sidecar.staffSession(session.token));
    unwrapOk(await sidecar.staffSignOut(session.token));
    expect(await sidecar.staffSession(session.token)).toMatchObject(REFUSED);
    unwrapOk(await sidecar.staffSignOut(session.token));
    unwrapOk(await sidecar.staffSignOut("garbage"));
    expect(await sidecar.staffSession("garbage")).toMatchObject(REFUSED);
  });

  it("ends a session after 12 hours", async () => {
    const { session } = await enrolled(await FakeAuthenticator.create());
    const openedAt = session.expiresAt - STAFF_SESSION_MS;
    expect(unwrapOk(await checkStaffSession({ db: env.DB, sessionToken: session.token, now: session.expiresAt - 1 })).expiresAt).toBe(session.expiresAt);
    expect(await checkStaffSession({ db: env.DB, sessionToken: session.token, now: session.expiresAt })).toMatchObject(REFUSED);
    expect(session.expiresAt - openedAt).toBe(12 * 60 * 60_000);
  });

  it("lets only an admin invite, and the invite registers with the role it names", async () => {
    const admin = await enrolled(await FakeAuthenticator.create(), "admin");
    const staff = await enrolled(await FakeAuthenticator.create(), "staff");
    const tutor = await enrolled(await FakeAuthenticator.create(), "tutor");
    const email = newEmail("new-tutor");
    expect(await sidecar.staffInvite(staff.session.token, { email, role: "tutor" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffInvite(tutor.session.token, { email, role: "tutor" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    expect(await sidecar.staffInvite("A".repeat(43), { email, role: "tutor" })).toMatchObject(REFUSED);
    expect(await sidecar.staffInvite(admin.session.token, { email: "not an email", role: "tutor" })).toMatchObject({ ok: false, error: { code: "bad_request:body" } });

    const created = unwrapOk(await sidecar.staffInvite(admin.session.token, { email, role: "staff" }));
    expect(created.expiresAt - Date.now()).toBeGreaterThan(23 * 60 * 60_000);
    const row = await env.DB.prepare("SELECT created_by AS createdBy FROM staff_invites WHERE token_hash = ?").bind(await sha256Hex(created.inviteToken)).first();
    expect(row).toEqual({ createdBy: admin.member.id });
    expect((await register(await FakeAuthenticator.create(), created.inviteToken)).member).toMatchObject({ email: email.toLowerCase(), role: "staff" });
  });

  it("costs a fixed number of D1 rows per sign-in and no write per session check", async () => {
    const authenticator = await FakeAuthenticator.create();
    await enrolled(authenticator);
    const meter = meteredD1(env.DB);
    const now = Date.now();
    const { options, challengeId } = unwrapOk(await staffSignInOptions({ db: meter.db, limiters: env.RATE_LIMITER, site: SITE, ip: null, now }));
    const optionsCost = { ...meter.counts };
    meter.reset();
    const response = await authenticator.signIn(options, { origin: SITE.origin });
    const { session } = unwrapOk(await staffSignIn({ db: meter.db, limiters: env.RATE_LIMITER, challengeId, response, site: SITE, ip: null, now }));
    const signInCost = { ...meter.counts };
    meter.reset();
    unwrapOk(await checkStaffSession({ db: meter.db, sessionToken: session.token, now }));
    const checkCost = { ...meter.counts };
    expect(checkCost).toMatchObject({ statements: 1, rowsWritten: 0 });
    expect(checkCost.rowsRead).toBeLessThanOrEqual(2);
    // The options: the sweep of expired challenges (none here) and the new one (its row, its primary key, its expiry index).
    expect(optionsCost).toMatchObject({ statements: 2, rowsWritten: 3 });
    // The sign-in: the challenge deleted, the passkey's counter, the session.
    expect(signInCost).toMatchObject({ statements: 4, rowsWritten: 4 });
  });
});
