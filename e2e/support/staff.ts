import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * What staff specs share: the site at localhost (WebAuthn needs a domain, not
 * an IP; the same web worker as 127.0.0.1), invites as `npm run staff:invite`
 * makes them, Chromium's virtual authenticator, and the axe check.
 */
export const PORT = Number(process.env.WEB_PORT ?? 8787);
export const SITE = `http://localhost:${PORT}`;

/** `npm run staff:invite`, as a newcomer runs it: the one-time link it prints. A tutor's invite names the tutor. */
export function invite(email: string, role: "admin" | "staff" | "tutor", tutorId?: string): string {
  const tutor = tutorId ? ["--tutor", tutorId] : [];
  const out = execFileSync("node", ["scripts/staff-invite.mjs", "--email", email, "--role", role, ...tutor, "--base-url", SITE], { encoding: "utf8" });
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

/** axe's serious and critical violations (WCAG 2.1 A and AA) on the page as it is now. */
export async function seriousViolations(page: Page) {
  // axe finishes its run in a page of its own, which takes the focus from this one: a keyboard
  // test goes on from where its user was, so the focus is put back.
  const focused = await page.evaluateHandle(() => document.activeElement);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  await page.bringToFront();
  await focused.evaluate((element) => (element instanceof HTMLElement ? element.focus() : undefined));
  return results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id);
}
