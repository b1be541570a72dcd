import { describe, expect, it } from "vitest";
import { safeReturnTo, ssoIdentity, ssoSettings, type SsoColumns } from "../../lib/accounts/sso";

const COLUMNS: SsoColumns = {
  issuer: "https://login.campus.edu/",
  clientId: "tutoring",
  allowedDomains: "campus.edu, @Students.Campus.edu",
  staffClaim: "groups",
  staffValues: "tutoring-staff",
  adminValues: "tutoring-admins",
  label: null,
};
const settings = ssoSettings(COLUMNS)!;
const verified = (email: string, extra: Record<string, unknown> = {}) => ({ email, email_verified: true, ...extra });

describe("campus sign-on rules", () => {
  it("is off without an issuer or a client id, and for a plain-http issuer that is not this machine", () => {
    expect(ssoSettings(null)).toBeNull();
    expect(ssoSettings({ ...COLUMNS, issuer: null })).toBeNull();
    expect(ssoSettings({ ...COLUMNS, clientId: " " })).toBeNull();
    expect(ssoSettings({ ...COLUMNS, issuer: "http://login.campus.edu" })).toBeNull();
    expect(ssoSettings({ ...COLUMNS, issuer: "not a url" })).toBeNull();
    expect(ssoSettings({ ...COLUMNS, issuer: "http://127.0.0.1:4000" })?.issuer.href).toBe("http://127.0.0.1:4000/");
    expect(settings).toMatchObject({ allowedDomains: ["campus.edu", "students.campus.edu"], label: "Sign in with your campus account" });
  });

  it("maps the staff claim to a role, admin first; a string claim counts as a one-item list", () => {
    expect(ssoIdentity(settings, verified("Ana@Campus.edu", { groups: ["students"] }))).toEqual({ kind: "student", email: "ana@campus.edu" });
    expect(ssoIdentity(settings, verified("tess@campus.edu", { groups: ["tutoring-staff"] }))).toEqual({ kind: "staff", email: "tess@campus.edu", role: "staff" });
    expect(ssoIdentity(settings, verified("al@campus.edu", { groups: ["tutoring-staff", "tutoring-admins"] }))).toMatchObject({ role: "admin" });
    expect(ssoIdentity(settings, verified("al@students.campus.edu", { groups: "tutoring-admins" }))).toMatchObject({ role: "admin" });
    expect(ssoIdentity({ ...settings, staffClaim: null }, verified("tess@campus.edu", { groups: ["tutoring-staff"] }))).toMatchObject({ kind: "student" });
  });

  it("refuses no email, an unverified one, and another domain (a subdomain is not the domain)", () => {
    expect(ssoIdentity(settings, { sub: "x" })).toMatchObject({ kind: "refused" });
    expect(ssoIdentity(settings, { email: "ana@campus.edu", email_verified: "true" })).toMatchObject({ kind: "refused" });
    expect(ssoIdentity(settings, verified("ana@evil-campus.edu"))).toMatchObject({ kind: "refused" });
    expect(ssoIdentity(settings, verified("ana@mail.campus.edu"))).toMatchObject({ kind: "refused" });
    expect(ssoIdentity({ ...settings, allowedDomains: [] }, verified("ana@campus.edu"))).toMatchObject({ kind: "refused" });
  });

  it("returns only to a path on this site", () => {
    expect(safeReturnTo("/my-bookings?tab=next")).toBe("/my-bookings?tab=next");
    for (const elsewhere of ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", 42, "/a b"]) expect(safeReturnTo(elsewhere)).toBe("/");
  });
});
