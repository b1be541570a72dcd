import { getCloudflareContext } from "@opennextjs/cloudflare";
import { z } from "../zod";
import { callSidecar } from "./call-sidecar";
import { AppError } from "../errors";
import type { StaffRole, StaffSessionInfo, StaffSignedIn, StaffSite } from "../staff/schemas";
import { staffSiteFrom } from "../staff/site";
import { json, readJsonBody, requireSameOrigin } from "./http";
import { readCookie } from "./owner-cookie";
import { getSidecar } from "./sidecar";

/**
 * Staff sessions on the web side: a cookie separate from the student's owner
 * cookie (HttpOnly, SameSite=Strict, Secure on https), holding a random token
 * whose hash the sidecar stores. Every /staff page and /api/staff route asks
 * the sidecar about it (one indexed D1 read) before anything else.
 */
export const STAFF_COOKIE = "tutor_staff";

/**
 * Where WebAuthn is bound and invite links point: `SITE_ORIGIN` (and
 * `STAFF_RP_ID`) from the web worker's configuration (wrangler.toml; the
 * local stacks pass `--var SITE_ORIGIN:http://localhost:<port>`), never the
 * request's Host header. Under `next dev` it is the dev server's own
 * localhost port (wrangler.toml's value is the workerd stack's). A site left
 * unconfigured refuses every ceremony (500, logged) rather than guess.
 */
export async function staffSite(): Promise<StaffSite> {
  const env = (await getCloudflareContext({ async: true })).env as Partial<CloudflareEnv>;
  const site =
    process.env.NODE_ENV === "development"
      ? staffSiteFrom({ siteOrigin: process.env.SITE_ORIGIN ?? `http://localhost:${process.env.PORT ?? 3000}` })
      : staffSiteFrom({ siteOrigin: env.SITE_ORIGIN, rpId: env.STAFF_RP_ID });
  if (!site) {
    console.error("[staff] SITE_ORIGIN (and STAFF_RP_ID, if set) must name this site: https://… (http://localhost:<port> locally); see README, Deploying");
    throw new AppError("internal:server", "Staff sign-in is not configured on this server.");
  }
  return site;
}

/** An invite's one-time link on the configured site (never on the Host a request named). */
export async function inviteLink(inviteToken: string): Promise<string> {
  return new URL(`/staff/invite/${inviteToken}`, (await staffSite()).origin).href;
}

/** The signed-in staff member, or 401; 403 when their role is not among `roles`. */
export async function requireStaff(request: Request, roles?: StaffRole[]): Promise<StaffSessionInfo & { token: string }> {
  const token = readCookie(request.headers.get("cookie"), STAFF_COOKIE);
  if (!token) throw new AppError("unauthorized:staff", "Sign in as staff first.");
  const sidecar = await getSidecar();
  const session = await callSidecar(() => sidecar.staffSession(token));
  if (roles && !roles.includes(session.member.role)) throw new AppError("forbidden:staff", "Your role cannot do this.");
  return { ...session, token };
}

/** A state-changing staff request: this site's pages only, and a session with one of `roles`. */
export async function requireStaffChange(request: Request, roles?: StaffRole[]) {
  requireSameOrigin(request);
  return requireStaff(request, roles);
}

export const PasskeyAnswer = z.object({ challengeId: z.string().max(64), response: z.unknown() }).strict();

export function readPasskeyAnswer(request: Request) {
  return readJsonBody(request, PasskeyAnswer);
}

/** The answer to a successful sign-in or registration: the member, and the session cookie. */
export function signedIn(request: Request, signed: StaffSignedIn): Response {
  const response = json({ member: signed.member, expiresAt: signed.session.expiresAt });
  const maxAge = Math.max(0, Math.floor((signed.session.expiresAt - Date.now()) / 1000));
  response.headers.append("set-cookie", staffCookie(request, signed.session.token, maxAge));
  return response;
}

export function signedOut(request: Request): Response {
  const response = json({ signedOut: true });
  response.headers.append("set-cookie", staffCookie(request, "", 0));
  return response;
}

/** The staff session cookie (a passkey's sign-in, or campus sign-in's return: app/api/account/sso/callback). */
export function staffCookie(request: Request, value: string, maxAge: number): string {
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  return `${STAFF_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}
