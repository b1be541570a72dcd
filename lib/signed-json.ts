import type { z } from "./zod";
import { fromBase64Url, toBase64Url } from "./base64url";
import { derivedHmacKey } from "./derived-key";

/**
 * Every signed token the product hands out and takes back (the manage link, the stop link, the account
 * cookie, campus sign-in's flow cookie): `{payload}.{signature}`, the payload base64url JSON, the
 * signature an HMAC-SHA256 with a key derived from a secret for one purpose (`label`) alone, so a token
 * made for one purpose never passes for another. Stateless: signing and checking cost no row.
 */

const encoder = new TextEncoder();

export async function signJson(secret: string, label: string, value: unknown): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(value)));
  const signature = await crypto.subtle.sign("HMAC", await derivedHmacKey(secret, label), encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The token's value if it is at most `maxLength` long, its signature holds and it parses as `schema`; null for anything else (never throws). */
export async function readSignedJson<S extends z.ZodType>(secret: string, label: string, token: unknown, schema: S, maxLength = 2_000): Promise<z.infer<S> | null> {
  if (typeof token !== "string" || token.length > maxLength) return null;
  const [payload, signatureText, extra] = token.split(".");
  if (!payload || !signatureText || extra !== undefined) return null;
  const signature = fromBase64Url(signatureText);
  const bytes = fromBase64Url(payload);
  if (!signature || !bytes) return null;
  if (!(await crypto.subtle.verify("HMAC", await derivedHmacKey(secret, label), signature, encoder.encode(payload)))) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
