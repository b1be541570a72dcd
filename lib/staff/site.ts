import { StaffSite } from "./schemas";

/**
 * Where staff passkeys are bound (the WebAuthn origin and relying party id),
 * from the deployment's configuration: the web worker's `SITE_ORIGIN` and an
 * optional `STAFF_RP_ID` (a parent domain of the origin's host; empty: the
 * host itself). Never from a request: a Host header another name reaches the
 * worker by (workers.dev, a stray route) must not become the relying party.
 * Null when missing or invalid (https only, or http on localhost).
 */
export function staffSiteFrom({ siteOrigin, rpId }: { siteOrigin?: string; rpId?: string }): StaffSite | null {
  if (!siteOrigin || !URL.canParse(siteOrigin)) return null;
  const url = new URL(siteOrigin);
  // An origin has no path: "https://x.edu/" is the origin, "https://x.edu/staff" a mistake.
  if (url.pathname !== "/" || url.search || url.hash) return null;
  const parsed = StaffSite.safeParse({ origin: url.origin, rpId: rpId || url.hostname });
  return parsed.success ? parsed.data : null;
}
