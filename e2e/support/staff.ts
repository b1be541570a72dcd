import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * What the staff specs share: the site at localhost (WebAuthn needs a domain,
 * not an IP; the same web worker as 127.0.0.1), invites as the CLI makes them,
 * Chromium's virtual authenticator, and the axe check.
 */
export const PORT = Number(process.env.WEB_PORT ?? 8787);
export const SITE = `http://localhost:${PORT}`;

/** `npm run staff:invite`, as a newcomer runs it: the one-time link it prints. */
export function invite(email: string, role: "admin" | "staff" | "tutor"): string {
  const out = execFileSync("node", ["scripts/staff-invite.mjs", "--email", email, "--role", role, "--base-url", SITE], { encoding: "utf8" });
  const link = /https?:\/\/\S+\/staff\/invite\/[A-Za-z0-9_-]+/.exec(out)?.[0];
  if (!link) throw new Error(`no invite link in: ${out}`);
  return link;
}

/** A platform authenticator with user verification, as on a laptop with a fingerprint reader. */
export async function withPasskeys(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

/** axe's serious and critical WCAG 2.1 A/AA violations on the page as it is now. */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id);
}
