/**
 * An HMAC-SHA256 key of its own for one purpose, derived from a secret (the sidecar's INTERNAL_KEY, the web worker's OWNER_COOKIE_SECRET): what it
 * signs can never stand in for the secret itself, nor for another purpose's signatures.
 */
export async function derivedHmacKey(secret: string, label: string): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const base = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", base, encoder.encode(label));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
