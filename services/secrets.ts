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
