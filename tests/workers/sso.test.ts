import { exports } from "cloudflare:workers";
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { FIRST_CENTER } from "../../lib/center/ids";
import { SSO_REFUSED } from "../../lib/accounts/sso";
import type { SidecarApi } from "../../lib/sidecar-api";
import { ssoFinish, ssoStart } from "../../services/oidc";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";

/**
 * Campus single sign-on against a REAL OpenID provider (panva's oidc-provider, started in Node by
 * tests/support/oidc-provider.mjs): the sidecar's ssoStart → the provider's authorization endpoint
 * (login and consent completed for the `login_hint` account) → the redirect back → ssoFinish.
 */

declare module "vitest" {
  interface ProvidedContext {
    oidcIssuer: string;
    oidcDownIssuer: string;
  }
}

const sidecar = exports.default as unknown as SidecarApi;
const REDIRECT_URI = "https://tutoring.example/api/account/sso/callback";
const DEVICE = "Firefox on Linux";

async function useProvider(issuer: string, { clientId = "tutor-chat-test", center = FIRST_CENTER } = {}) {
  await env.DB.prepare(
    `UPDATE center_settings SET oidc_issuer = ?1, oidc_client_id = ?2, oidc_allowed_domains = 'campus.test, students.campus.test',
       oidc_staff_claim = 'groups', oidc_staff_values = 'tutoring-staff', oidc_admin_values = 'tutoring-admins', oidc_label = 'Sign in with Campus ID'
     WHERE center_id = ?3`,
  )
    .bind(issuer, clientId, center)
    .run();
}

/** Follows the provider's redirects (carrying its cookies) until it sends the browser back to us; answers that URL. */
async function authorize(redirectUrl: string, account: string, tweak?: (url: URL) => void): Promise<string> {
  const start = new URL(redirectUrl);
  start.searchParams.set("login_hint", account);
  tweak?.(start);
  const jar = new Map<string, string>();
  let next = start.href;
  for (let hop = 0; hop < 8; hop++) {
    const response = await fetch(next, { redirect: "manual", headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get("location");
    if (!location) throw new Error(`the provider stopped at ${response.status}: ${await response.text()}`);
    await response.body?.cancel();
    next = new URL(location, next).href;
    if (next.startsWith(REDIRECT_URI)) return next;
  }
  throw new Error("too many redirects at the provider");
}

/** A whole sign-in for `account` through the sidecar's RPC methods. */
async function signIn(account: string, deviceOwnerId: string, tweak?: (url: URL) => void, center: string = FIRST_CENTER) {
  const started = unwrapOk(await sidecar.ssoStart("/my-bookings", center));
  const callbackUrl = await authorize(started.redirectUrl, account, tweak);
  return { started, callbackUrl, finished: await sidecar.ssoFinish(callbackUrl, started.flowCookie, deviceOwnerId, DEVICE) };
}

const refused = { ok: false, error: { code: "unauthorized:sso", message: SSO_REFUSED } };

async function accountCount(email: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM accounts WHERE email = ?").bind(email).first<{ n: number }>();
  return row?.n ?? 0;
}

async function addStaff(email: string, role: "admin" | "staff", disabled = false) {
  const id = `staff-${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO staff_members (id, email, role, created_at, disabled_at) VALUES (?, ?, ?, ?, ?)")
    .bind(id, email, role, Date.now(), disabled ? Date.now() : null)
    .run();
  return id;
}

describe("campus single sign-on (OpenID Connect)", () => {
  beforeEach(() => useProvider(inject("oidcIssuer")));

  it("is off until the center names its provider, then offers the button", async () => {
    await env.DB.prepare("UPDATE center_settings SET oidc_issuer = NULL WHERE id = 1").run();
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: false });
    expect(await sidecar.ssoStart("/")).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    await useProvider(inject("oidcIssuer"));
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: true, label: "Sign in with Campus ID" });
  });

  it("starts with PKCE (S256), state and nonce, and a signed flow cookie good for 10 minutes", async () => {
    const started = unwrapOk(await sidecar.ssoStart("https://evil.example/steal"));
    const url = new URL(started.redirectUrl);
    expect(url.origin).toBe(new URL(inject("oidcIssuer")).origin);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: "tutor-chat-test", redirect_uri: REDIRECT_URI, response_type: "code", code_challenge_method: "S256" });
    for (const parameter of ["state", "nonce", "code_challenge"]) expect(url.searchParams.get(parameter)?.length).toBeGreaterThanOrEqual(22);
    expect(started.expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(started.expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    // The cookie must come back with the code; the verifier never rides in the URL.
    expect(started.redirectUrl).not.toContain(started.flowCookie.split(".")[0]);
  });

  it("signs a student in: the account exists, the session is live, and the device's chat moved into it", async () => {
    await seedCatalog();
    const device = newOwnerId();
    const chatId = newSessionId();
    unwrapOk(await sidecar.sendMessage(chatId, device, { content: "Help with Python please" }));

    const { finished } = await signIn("student", device);
    const value = unwrapOk(finished);
    if (value.kind !== "student") throw new Error(`expected a student, got ${value.kind}`);
    expect(value.returnTo).toBe("/my-bookings");
    expect(value.signedIn).toMatchObject({ email: "sam.student@campus.test", merged: { chats: 1 } });
    expect(await accountCount("sam.student@campus.test")).toBe(1);
    expect(unwrapOk(await sidecar.checkAccountSession(value.signedIn.sessionId))).toEqual({ ownerId: value.signedIn.ownerId, email: "sam.student@campus.test" });
    expect(unwrapOk(await sidecar.accountOverview(value.signedIn.sessionId)).devices).toMatchObject([{ device: DEVICE, via: "sso", current: true }]);
    expect(unwrapOk(await sidecar.listChats(value.signedIn.ownerId, false)).map((chat) => chat.id)).toEqual([chatId]);
    expect(unwrapOk(await sidecar.listChats(device, false))).toEqual([]);
  });

  it("refuses a callback whose state is not the flow's", async () => {
    const before = await accountCount("sam.student@campus.test");
    const started = unwrapOk(await sidecar.ssoStart("/"));
    const callback = new URL(await authorize(started.redirectUrl, "student"));
    callback.searchParams.set("state", "an-attackers-own-state-value");
    expect(await sidecar.ssoFinish(callback.href, started.flowCookie, newOwnerId(), DEVICE)).toMatchObject(refused);
    // Another sign-in's flow cookie is refused just the same.
    const other = unwrapOk(await sidecar.ssoStart("/"));
    const fresh = await authorize(started.redirectUrl, "student");
    expect(await sidecar.ssoFinish(fresh, other.flowCookie, newOwnerId(), DEVICE)).toMatchObject(refused);
    expect(await accountCount("sam.student@campus.test")).toBe(before);
  });

  it("refuses a flow cookie that was tampered with", async () => {
    const started = unwrapOk(await sidecar.ssoStart("/"));
    const callback = await authorize(started.redirectUrl, "student");
    const [payload = "", signature = ""] = started.flowCookie.split(".");
    const forged = `${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BA" : "AA"}`;
    expect(await sidecar.ssoFinish(callback, forged, newOwnerId(), DEVICE)).toMatchObject(refused);
    expect(await sidecar.ssoFinish(callback, "not-a-cookie", newOwnerId(), DEVICE)).toMatchObject(refused);
  });

  it("refuses a replayed code", async () => {
    const { started, callbackUrl, finished } = await signIn("student", newOwnerId());
    unwrapOk(finished);
    expect(await sidecar.ssoFinish(callbackUrl, started.flowCookie, newOwnerId(), DEVICE)).toMatchObject(refused);
  });

  it("refuses an ID token whose nonce is not the flow's", async () => {
    const before = await accountCount("sam.student@campus.test");
    const { finished } = await signIn("student", newOwnerId(), (url) => url.searchParams.set("nonce", "a-nonce-from-another-flow-000"));
    expect(finished).toMatchObject(refused);
    expect(await accountCount("sam.student@campus.test")).toBe(before);
  });

  it("refuses an expired ID token", async () => {
    // The provider's ID tokens live an hour: finished two hours on (on our clock), this one has expired.
    const later = Date.now() + 2 * 60 * 60_000;
    const before = await accountCount("sam.student@campus.test");
    const started = unwrapOk(await ssoStart(env, { center: FIRST_CENTER, returnTo: "/", now: later }));
    const callbackUrl = await authorize(started.redirectUrl, "student");
    expect(await ssoFinish(env, { callbackUrl, flowCookie: started.flowCookie, deviceOwnerId: newOwnerId(), device: DEVICE, now: later })).toMatchObject(refused);
    expect(await accountCount("sam.student@campus.test")).toBe(before);
  });

  it("refuses a flow cookie older than 10 minutes", async () => {
    const started = unwrapOk(await sidecar.ssoStart("/"));
    const callbackUrl = await authorize(started.redirectUrl, "student");
    const now = started.expiresAt + 1;
    expect(await ssoFinish(env, { callbackUrl, flowCookie: started.flowCookie, deviceOwnerId: newOwnerId(), device: DEVICE, now })).toMatchObject(refused);
  });

  it("refuses an ID token signed by a key that is not in the provider's JWKS", async () => {
    expect((await signIn("forged", newOwnerId())).finished).toMatchObject(refused);
    expect(await accountCount("fred.forged@campus.test")).toBe(0);
  });

  it("refuses an address outside the allowed domains", async () => {
    expect((await signIn("outsider", newOwnerId())).finished).toMatchObject(refused);
    expect(await accountCount("olive@elsewhere.test")).toBe(0);
  });

  it("refuses an address the provider has not verified", async () => {
    expect((await signIn("unverified", newOwnerId())).finished).toMatchObject(refused);
    expect(await accountCount("uma.unverified@campus.test")).toBe(0);
  });

  it("gives a staff session to a member whose groups claim says staff", async () => {
    const memberId = await addStaff("tess.staff@campus.test", "staff");
    const value = unwrapOk((await signIn("staff", newOwnerId())).finished);
    if (value.kind !== "staff") throw new Error(`expected staff, got ${value.kind}`);
    const session = unwrapOk(await sidecar.staffSession(value.sessionToken));
    expect(session.member).toMatchObject({ id: memberId, email: "tess.staff@campus.test", role: "staff" });
    expect(session.expiresAt).toBe(value.expiresAt);
    // A staff sign-in makes no student account.
    expect(await accountCount("tess.staff@campus.test")).toBe(0);
  });

  it("refuses staff the console does not know, or disabled", async () => {
    // The test file's tests share one D1: the member an earlier test added goes first.
    await env.DB.batch([env.DB.prepare("DELETE FROM staff_sessions"), env.DB.prepare("DELETE FROM staff_members WHERE email = 'tess.staff@campus.test'")]);
    expect((await signIn("staff", newOwnerId())).finished).toMatchObject(refused);
    await addStaff("dan.gone@campus.test", "staff", true);
    expect((await signIn("disabled", newOwnerId())).finished).toMatchObject(refused);
    const sessions = await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_sessions").first<{ n: number }>();
    expect(sessions?.n).toBe(0);
  });

  it("opens a staff session only for a member of the center the device belongs to", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO centers (id, name, host, created_at) VALUES ('sso-lab', 'SSO Lab', 'sso-lab.localhost', 1) ON CONFLICT DO NOTHING"),
      env.DB.prepare(
        `INSERT INTO center_settings (center_id, name, time_zone, min_lead_minutes, horizon_days, cancel_cutoff_hours, no_show_limit, no_show_window_days, updated_at)
         SELECT 'sso-lab', 'SSO Lab', time_zone, min_lead_minutes, horizon_days, cancel_cutoff_hours, no_show_limit, no_show_window_days, 1 FROM center_settings WHERE center_id = ?`,
      ).bind(FIRST_CENTER),
    ]);
    await useProvider(inject("oidcIssuer"), { center: "sso-lab" });
    await env.DB.prepare("DELETE FROM staff_members WHERE email = 'tess.staff@campus.test'").run();
    const memberId = `staff-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO staff_members (id, center_id, email, role, created_at) VALUES (?, 'sso-lab', 'tess.staff@campus.test', 'staff', 1)").bind(memberId).run();
    // At the lab (its provider, a device of the lab): the lab's member.
    const value = unwrapOk((await signIn("staff", newOwnerId("sso-lab"), undefined, "sso-lab")).finished);
    if (value.kind !== "staff") throw new Error(`expected staff, got ${value.kind}`);
    expect(unwrapOk(await sidecar.staffSession(value.sessionToken)).member).toMatchObject({ id: memberId, centerId: "sso-lab" });
    // At the first center the same person is nobody's staff: refused, no session.
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_sessions").first<{ n: number }>();
    expect((await signIn("staff", newOwnerId())).finished).toMatchObject(refused);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM staff_sessions").first<{ n: number }>()).toEqual(before);
  });

  it("answers 502, not 500, when the provider cannot be reached", async () => {
    await useProvider(inject("oidcDownIssuer"));
    expect(await sidecar.ssoStart("/")).toMatchObject({ ok: false, error: { code: "bad_gateway:upstream" } });
  });
});
