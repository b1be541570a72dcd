import { z } from "../zod";
import type { StaffRole } from "../staff/schemas";
import type { SignedIn } from "./schemas";

/**
 * Campus single sign-on's pure rules and wire shapes (services/oidc.ts, docs/accounts-sso.md): the
 * center's provider settings as read from center_settings, the flow cookie's contents, who an
 * identity is (student, staff, admin, or refused) and where the browser goes afterwards.
 */

/** How long a started sign-in may take at the provider before its flow cookie stops working. */
export const SSO_FLOW_MS = 10 * 60_000;

/** The path the web worker serves the provider's redirect on (appended to SITE_URL). */
export const SSO_CALLBACK_PATH = "/api/account/sso/callback";

/** The one answer a student sees for every failed campus sign-in; the reason is logged, never shown. */
export const SSO_REFUSED = "Campus sign-in did not work. Try again, or sign in with an email link instead.";
/** The provider could not be reached or answered nonsense (502): trying again later can work. */
export const SSO_UNREACHABLE = "Campus sign-in is not reachable right now. Try again in a minute, or sign in with an email link instead.";
/** The center has not turned SSO on (404). */
export const SSO_OFF = "Campus sign-in is not set up for this center. Sign in with an email link instead.";

const DEFAULT_LABEL = "Sign in with your campus account";

/** The center's provider, parsed from its center_settings columns; null when SSO is off. */
export interface SsoSettings {
  issuer: URL;
  clientId: string;
  allowedDomains: string[];
  staffClaim: string | null;
  staffValues: string[];
  adminValues: string[];
  label: string;
}

/** The columns as D1 holds them (services/db/oidc.ts). */
export interface SsoColumns {
  issuer: string | null;
  clientId: string | null;
  allowedDomains: string;
  staffClaim: string | null;
  staffValues: string;
  adminValues: string;
  label: string | null;
}

/** SSO is on with an issuer URL (https, or http on a loopback host for a local provider) and a client id. */
export function ssoSettings(columns: SsoColumns | null): SsoSettings | null {
  if (!columns?.issuer?.trim() || !columns.clientId?.trim()) return null;
  let issuer: URL;
  try {
    issuer = new URL(columns.issuer.trim());
  } catch {
    return null;
  }
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && isLoopback(issuer))) return null;
  return {
    issuer,
    clientId: columns.clientId.trim(),
    allowedDomains: commaList(columns.allowedDomains).map((domain) => domain.toLowerCase().replace(/^@/, "")),
    staffClaim: columns.staffClaim?.trim() || null,
    staffValues: commaList(columns.staffValues),
    adminValues: commaList(columns.adminValues),
    label: columns.label?.trim() || DEFAULT_LABEL,
  };
}

/** A local provider (tests, a developer's machine): the only place plain http is allowed. */
export function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

function commaList(text: string | null): string[] {
  return (text ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** What the flow cookie carries between the start and the provider's redirect back (signed, not secret from its own browser). */
export const SsoFlow = z
  .object({
    /** the `state` sent to the provider */
    s: z.string().min(16).max(128),
    /** the `nonce` the ID token must carry */
    n: z.string().min(16).max(128),
    /** the PKCE code_verifier */
    v: z.string().min(43).max(128),
    /** where the browser goes once signed in */
    r: z.string().max(512),
    /** the issuer and client the flow was started for: a changed configuration ends flows in progress */
    i: z.string().max(512),
    c: z.string().max(256),
    /** expiry, epoch ms */
    e: z.number().int(),
  })
  .strict();
export type SsoFlow = z.infer<typeof SsoFlow>;

/** A same-site path to return to; anything else (another origin, `//host`, `/\host`) is the home page. */
export function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== "string" || returnTo.length > 512) return "/";
  return /^\/(?![/\\])[^\s]*$/.test(returnTo) ? returnTo : "/";
}

/** Who an ID token's verified claims say the person is, or why they may not sign in (for the log). */
export type SsoIdentity = { kind: "student"; email: string } | { kind: "staff"; email: string; role: Extract<StaffRole, "staff" | "admin"> } | { kind: "refused"; reason: string };

/**
 * The identity behind verified ID token claims: an email the provider verified, at an allowed
 * domain; staff or admin when the staff claim (a string or a list) holds one of their values.
 */
export function ssoIdentity(settings: SsoSettings, claims: Record<string, unknown>): SsoIdentity {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!z.email().safeParse(email).success) return { kind: "refused", reason: "no email claim" };
  if (claims.email_verified !== true) return { kind: "refused", reason: "email not verified by the provider" };
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (!settings.allowedDomains.includes(domain)) return { kind: "refused", reason: `domain ${domain} not allowed` };
  const values = settings.staffClaim ? claimValues(claims[settings.staffClaim]) : [];
  if (values.some((value) => settings.adminValues.includes(value))) return { kind: "staff", email, role: "admin" };
  if (values.some((value) => settings.staffValues.includes(value))) return { kind: "staff", email, role: "staff" };
  return { kind: "student", email };
}

function claimValues(claim: unknown): string[] {
  if (typeof claim === "string") return [claim];
  return Array.isArray(claim) ? claim.filter((value): value is string => typeof value === "string") : [];
}

/** `ssoConfig()`: what the sign-in page shows. */
export type SsoConfig = { enabled: false } | { enabled: true; label: string };

/** `ssoStart()`: the provider's authorization URL, and the value of the HttpOnly flow cookie (max-age SSO_FLOW_MS). */
export type SsoStarted = { redirectUrl: string; flowCookie: string; expiresAt: number };

/** `ssoFinish()`: a student's account session, or a staff session (the same token passkey sign-in gives). */
export type SsoFinished =
  | { kind: "student"; signedIn: SignedIn; returnTo: string }
  | { kind: "staff"; sessionToken: string; expiresAt: number; returnTo: string };

// The settings page's "Campus sign-in" (workers/staff/sso-settings.ts): what an admin may save, by the
// same rules ssoSettings() reads the columns with, so a saved provider is one the sign-in accepts.

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Visible ASCII, no spaces: a client id or a claim name as providers issue them. */
const TOKEN = /^[\x21-\x7e]+$/;

/** A trimmed text field where empty means "not set" (null). */
const optionalText = (max: number, pattern?: RegExp, message = "Use letters, digits and punctuation, no spaces.") =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((value) => value || null)
    .refine((value) => value === null || !pattern || pattern.test(value), message);

/** A comma list as typed ("a, b") → its items, each checked; stored joined by commas. */
const commaField = (item: z.ZodType<string, string>, maxItems: number) =>
  z
    .string()
    .max(2_000)
    .transform((text) => commaList(text))
    .pipe(z.array(item).max(maxItems, `At most ${maxItems}.`))
    .transform((items) => [...new Set(items)].join(","));

const issuerField = optionalText(512).refine((value) => {
  if (value === null) return true;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url));
  return secure && !url.search && !url.hash && !url.username && !url.password;
}, "An https URL (plain http only on a loopback host), without a query or fragment.");

/** An admin's save of the provider columns: empty fields are cleared; an issuer needs a client id. */
export const SsoSettingsInput = z
  .object({
    issuer: issuerField,
    clientId: optionalText(256, TOKEN),
    allowedDomains: commaField(
      z
        .string()
        .max(253)
        .transform((domain) => domain.toLowerCase().replace(/^@/, ""))
        .refine((domain) => HOSTNAME.test(domain), "Each domain a hostname, like campus.edu."),
      50,
    ),
    staffClaim: optionalText(128, TOKEN),
    staffValues: commaField(z.string().max(200), 50),
    adminValues: commaField(z.string().max(200), 50),
    label: optionalText(80),
  })
  .strict()
  .superRefine((input, context) => {
    if (input.issuer && !input.clientId) context.addIssue({ code: "custom", path: ["clientId"], message: "A client id is needed with an issuer." });
  });
export type SsoSettingsInput = z.infer<typeof SsoSettingsInput>;

/** What the admin's page shows: the columns as stored, whether the deployment holds the secret (never the secret), and so whether SSO is on. */
export const SsoSettingsView = z.object({
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  allowedDomains: z.string(),
  staffClaim: z.string().nullable(),
  staffValues: z.string(),
  adminValues: z.string(),
  label: z.string().nullable(),
  secretPresent: z.boolean(),
  enabled: z.boolean(),
});
export type SsoSettingsView = z.infer<typeof SsoSettingsView>;
