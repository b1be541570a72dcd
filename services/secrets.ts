/**
 * Compares a presented secret with the expected one in constant time: both are
 * hashed first so neither their contents nor their lengths leak through timing.
 */
export async function secretMatches(presented: string | null | undefined, expected: string | undefined): Promise<boolean> {
  if (!presented || !expected) return false;
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * An HMAC-SHA256 key of its own for one purpose, derived from a secret (INTERNAL_KEY): what it
 * signs can never stand in for the secret itself, nor for another purpose's signatures.
 */
export async function derivedHmacKey(secret: string, label: string): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const base = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", base, encoder.encode(label));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
