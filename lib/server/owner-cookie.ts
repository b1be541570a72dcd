/**
 * The owner cookie: who created a chat session. The session id alone is not
 * authority; the browser that made it holds `owner = {id}.{HMAC-SHA256(id)}`,
 * HttpOnly and SameSite=Lax, signed with OWNER_COOKIE_SECRET.
 */

import { fromBase64Url, toBase64Url } from "../base64url";
import { newOwnerId } from "../ids";
import { centerOfOwner } from "../center/ids";
import { OWNER_ID_PATTERN } from "../schemas";

export const OWNER_COOKIE = "tutor_owner";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;
const encoder = new TextEncoder();

export interface Owner {
  id: string;
  /** The Set-Cookie header values to send back: a new owner's cookie, an account cookie renewed or dropped. */
  setCookies: string[];
  /** Set when the browser is signed in to a student account (lib/server/visitor.ts), whose owner `id` is. */
  account?: { sessionId: string; email: string };
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}


export async function signOwnerId(ownerId: string, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(ownerId));
  return `${ownerId}.${toBase64Url(signature)}`;
}

/** The owner id inside a cookie value, if its signature holds (verify is constant-time). */
export async function verifyOwnerCookie(value: string | undefined, secret: string): Promise<string | null> {
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const ownerId = value.slice(0, dot);
  const signature = fromBase64Url(value.slice(dot + 1));
  if (!signature || !OWNER_ID_PATTERN.test(ownerId)) return null;
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, encoder.encode(ownerId));
  return valid ? ownerId : null;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined; // a bad % escape: treated as no cookie, so the browser gets a fresh one
    }
  }
  return undefined;
}

/**
 * The request's owner at `center`, or a new one of that center with the cookie that binds it to
 * this browser. A cookie whose owner was made at another center is as good as none here (cookies
 * are per host, so only a copied one gets here): the browser is a fresh owner of this center.
 */
export async function identifyOwner(request: Request, secret: string, center: string): Promise<Owner> {
  const existing = await centerOwnerCookie(request, secret, center);
  if (existing) return { id: existing, setCookies: [] };
  return ownerWithCookie(request, newOwnerId(center), secret);
}

/** The owner id the request's cookie holds, if its signature holds and it was made at `center`. */
export async function centerOwnerCookie(request: Request, secret: string, center: string): Promise<string | null> {
  const id = await verifyOwnerCookie(readCookie(request.headers.get("cookie"), OWNER_COOKIE), secret);
  return id && centerOfOwner(id) === center ? id : null;
}

/** `id` as this browser's owner from now on ("Forget me" hands the browser a new one): the signed cookie to set. */
export async function ownerWithCookie(request: Request, id: string, secret: string): Promise<Owner> {
  const value = encodeURIComponent(await signOwnerId(id, secret));
  return { id, setCookies: [`${OWNER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ONE_YEAR_SECONDS}${secureFlag(request)}`] };
}

/** Drops the browser's owner cookie (its id was forgotten): the next request gets a fresh owner. */
export const CLEARED_OWNER_COOKIE = `${OWNER_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

function secureFlag(request: Request): string {
  return new URL(request.url).protocol === "https:" ? "; Secure" : "";
}
