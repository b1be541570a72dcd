import type { Browser, BrowserContext } from "@playwright/test";
import { z } from "../../lib/zod";
import { expect } from "./test";

const Claims = z.object({ s: z.string(), o: z.string(), e: z.string(), c: z.number() });

/**
 * A browser signed in to a student account the way a student does it: asks for a link on /account,
 * reads it from the dev mailbox (/dev/mail) in a context of its own, opens it and presses its button.
 * Answers the context (the caller closes it) and its cookies as one `cookie` header.
 */
export async function signedInBrowser(browser: Browser, email: string): Promise<{ context: BrowserContext; cookie: string; accountCookie: string; ownerCookie: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/account");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByTestId("sign-in-status")).toContainText("a sign-in link is on its way");

  const sink = await browser.newContext();
  let link = "";
  try {
    const reader = await sink.newPage();
    await expect(async () => {
      await reader.goto("/dev/mail");
      const found = reader.getByTestId("dev-mail-message").filter({ hasText: `To ${email}` }).filter({ hasText: "Your sign-in link" });
      const text = (await found.first().textContent({ timeout: 1_000 })) ?? "";
      link = /(http\S+?\/account\/link\?token=[\w-]+)/.exec(text)?.[1] ?? "";
      expect(link).not.toBe("");
    }).toPass({ timeout: 20_000 });
  } finally {
    await sink.close();
  }

  await page.goto(link);
  await page.getByRole("button", { name: `Sign in as ${email}` }).click();
  await page.waitForURL("**/bookings");
  const cookies = await context.cookies();
  const value = (name: string) => cookies.find((entry) => entry.name === name)?.value ?? "";
  const accountCookie = value("tutor_account");
  const ownerCookie = value("tutor_owner");
  expect(accountCookie).not.toBe("");
  await page.close();
  return { context, cookie: `tutor_account=${accountCookie}; tutor_owner=${ownerCookie}`, accountCookie, ownerCookie };
}

/** The account cookie's parts: `{payload}.{signature}`, the payload base64url JSON `{ s, o, e, c }` (lib/server/account-cookie.ts). */
export function accountCookieParts(value: string): { claims: { s: string; o: string; e: string; c: number }; payload: string; signature: string } {
  const decoded = decodeURIComponent(value);
  const [payload = "", signature = ""] = decoded.split(".");
  return { claims: Claims.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))), payload, signature };
}

/** An account cookie with `claims` changed and `signature` kept (or given): what a forger can make without the key. */
export function forgedAccountCookie(value: string, change: Partial<{ s: string; o: string; e: string; c: number }>, signature?: string): string {
  const parts = accountCookieParts(value);
  const payload = Buffer.from(JSON.stringify({ ...parts.claims, ...change })).toString("base64url");
  return `${payload}.${signature ?? parts.signature}`;
}
