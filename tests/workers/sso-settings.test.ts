import { env } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { StaffRole } from "../../lib/staff/schemas";
import { FakeAuthenticator } from "../fakes/authenticator";
import { unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * Campus sign-in on the settings page (workers/staff/sso-settings.ts): an admin's save is what the
 * next ssoConfig()/ssoStart() reads; staff and tutors are refused; bad values name their fields and
 * change nothing; "Turn off" turns the button off. ssoStart reaches the REAL test provider
 * (tests/support/oidc-provider.mjs), so a stale discovery cache would show.
 */

declare module "vitest" {
  interface ProvidedContext {
    oidcIssuer: string;
    oidcDownIssuer: string;
  }
}

const tokens = {} as Record<StaffRole, string>;

const valid = (issuer: string) => ({
  issuer,
  clientId: "tutor-chat-test",
  allowedDomains: "Campus.test, @students.campus.test",
  staffClaim: "groups",
  staffValues: "tutoring-staff",
  adminValues: "tutoring-admins, it-admins",
  label: "Sign in with Campus ID",
});

async function columns() {
  return env.DB.prepare(
    `SELECT oidc_issuer, oidc_client_id, oidc_allowed_domains, oidc_staff_claim, oidc_staff_values, oidc_admin_values, oidc_label, updated_at
     FROM center_settings WHERE id = 1`,
  ).first();
}

beforeAll(async () => {
  for (const role of ["admin", "staff", "tutor"] as const) tokens[role] = (await enrolled(await FakeAuthenticator.create(), role)).session.token;
});

beforeEach(async () => {
  await env.DB.prepare("UPDATE center_settings SET oidc_issuer = NULL, oidc_client_id = NULL WHERE id = 1").run();
});

describe("campus sign-in settings (admins only)", () => {
  it("an admin's save is what the next ssoConfig and ssoStart use; the view says the secret is present, never what it is", async () => {
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: false });
    const saved = unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    expect(saved).toEqual({
      issuer: inject("oidcIssuer"),
      clientId: "tutor-chat-test",
      allowedDomains: "campus.test,students.campus.test",
      staffClaim: "groups",
      staffValues: "tutoring-staff",
      adminValues: "tutoring-admins,it-admins",
      label: "Sign in with Campus ID",
      secretPresent: true,
      enabled: true,
    });
    expect(JSON.stringify(saved)).not.toContain("test-oidc-client-secret");
    expect(unwrapOk(await sidecar.staffSsoSettings(tokens.admin))).toEqual(saved);
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: true, label: "Sign in with Campus ID" });
    const started = new URL(unwrapOk(await sidecar.ssoStart("/")).redirectUrl);
    expect(started.origin).toBe(new URL(inject("oidcIssuer")).origin);
    expect(started.searchParams.get("client_id")).toBe("tutor-chat-test");
  });

  it("a changed issuer is used at once: the discovery cache is per issuer, never the old provider's", async () => {
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    unwrapOk(await sidecar.ssoStart("/"));
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcDownIssuer"))));
    // Served from the first provider's cached metadata, this would be a redirect there.
    expect(await sidecar.ssoStart("/")).toMatchObject({ ok: false, error: { code: "bad_gateway:upstream" } });
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    expect(new URL(unwrapOk(await sidecar.ssoStart("/")).redirectUrl).origin).toBe(new URL(inject("oidcIssuer")).origin);
  });

  it("turning it off clears the issuer: ssoConfig says off and ssoStart is 404; the other fields stay", async () => {
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    const off = unwrapOk(await sidecar.staffTurnOffSso(tokens.admin));
    expect(off).toMatchObject({ issuer: null, clientId: "tutor-chat-test", secretPresent: true, enabled: false });
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: false });
    expect(await sidecar.ssoStart("/")).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    // Saving with an empty issuer is off too.
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    expect(unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, { ...valid(""), issuer: "  " }))).toMatchObject({ issuer: null, enabled: false });
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: false });
  });

  it("refuses staff and tutors (403) for reading, saving and turning off, and changes nothing", async () => {
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    const before = await columns();
    for (const role of ["staff", "tutor"] as const) {
      const forbidden = { ok: false, error: { code: "forbidden:staff" } };
      expect(await sidecar.staffSsoSettings(tokens[role]), role).toMatchObject(forbidden);
      expect(await sidecar.staffUpdateSsoSettings(tokens[role], valid("https://evil.example")), role).toMatchObject(forbidden);
      expect(await sidecar.staffTurnOffSso(tokens[role]), role).toMatchObject(forbidden);
    }
    expect(await columns()).toEqual(before);
    expect(unwrapOk(await sidecar.ssoConfig())).toEqual({ enabled: true, label: "Sign in with Campus ID" });
  });

  it.each([
    ["issuer", { issuer: "http://login.campus.edu" }],
    ["issuer", { issuer: "not a url" }],
    ["issuer", { issuer: "https://login.campus.edu/?tenant=1" }],
    ["issuer", { issuer: `https://login.campus.edu/${"a".repeat(600)}` }],
    ["clientId", { clientId: "" }],
    ["clientId", { clientId: "has space" }],
    ["allowedDomains.1", { allowedDomains: "campus.edu, not a domain" }],
    ["allowedDomains.0", { allowedDomains: "https://campus.edu" }],
    ["staffClaim", { staffClaim: "x".repeat(200) }],
    ["label", { label: "L".repeat(81) }],
    ["staffValues", { staffValues: 42 }],
    ["", { extra: "field" }],
  ])("refuses a bad %s with 400 naming it, and changes nothing", async (path, change) => {
    unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid(inject("oidcIssuer"))));
    const before = await columns();
    const answer = await sidecar.staffUpdateSsoSettings(tokens.admin, { ...valid(inject("oidcIssuer")), ...change });
    expect(answer).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    if (answer.ok) throw new Error("accepted");
    expect(answer.error.issues?.map((issue) => issue.path)).toContain(path);
    expect(await columns()).toEqual(before);
  });

  it("allows plain http only on a loopback host", async () => {
    expect(unwrapOk(await sidecar.staffUpdateSsoSettings(tokens.admin, valid("http://localhost:4000")))).toMatchObject({ issuer: "http://localhost:4000", enabled: true });
    expect(await sidecar.staffUpdateSsoSettings(tokens.admin, valid("http://10.0.0.1")), "private, not loopback").toMatchObject({ ok: false });
  });
});
