import type { Page } from "@playwright/test";
import { SSO_REFUSED } from "../lib/accounts/sso";
import { ChatPage } from "./pages/chat";
import { CAMPUS_ACCOUNTS, useCampusSignIn } from "./support/oidc";
import { startSidecar } from "./support/sidecar";
import { expect, test } from "./support/test";

/**
 * Campus single sign-on through a REAL OpenID provider (panva's oidc-provider, run by this spec on a
 * loopback port: e2e/support/oidc.ts) on the production build: the account page's campus button →
 * the provider's sign-in page → back through /api/account/sso/callback, signed in as a student
 * (with what the browser had before), refused for an address outside the campus, or signed in as
 * staff for a member the console knows. Campus sign-in is on only while this spec runs.
 */

let campus: Awaited<ReturnType<typeof useCampusSignIn>> | undefined;

/** From the account page, through the campus button, to the provider's sign-in page, signing in as `account`. */
async function signInAtCampus(page: Page, account: keyof typeof CAMPUS_ACCOUNTS) {
  await page.goto("/account");
  const button = page.getByTestId("sso-start");
  await expect(button).toHaveText("Sign in with Campus ID");
  await button.click();
  await page.waitForURL((url) => url.origin === campus!.issuer && url.pathname.startsWith("/interaction/"));
  await expect(page.getByRole("heading", { name: "Test campus sign-in" })).toBeVisible();
  await page.getByLabel("Campus ID").fill(String(account));
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("campus sign-in (OpenID Connect)", () => {
  test.beforeAll(async () => {
    await startSidecar();
    campus = await useCampusSignIn();
  });
  test.afterAll(async () => {
    await campus?.stop();
  });

  test("a student signs in with the campus account: on My bookings, signed in, with the chat from before", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const opener = `Campus chat ${Date.now()}`;
    await chat.send(opener);
    // Anonymous until now.
    expect((await page.request.get("/api/account")).status()).toBe(401);

    await signInAtCampus(page, "student");
    await page.waitForURL((url) => url.origin !== campus!.issuer && url.pathname === "/bookings");
    expect((await page.request.get("/api/account")).status()).toBe(200);

    await page.goto("/account");
    await expect(page.getByTestId("account-email")).toHaveText(CAMPUS_ACCOUNTS.student!.email);
    await expect(page.getByTestId("account-devices").getByRole("listitem").filter({ hasText: "(this device)" })).toContainText("with campus sign-in");

    // The chat started anonymously moved into the account with the sign-in.
    await page.goto("/");
    await expect(page.getByTestId("chat-history").getByTestId("saved-chat").filter({ hasText: opener })).toHaveCount(1);
  });

  test("an account outside the campus's domains comes back to the account page refused, signed out", async ({ page }) => {
    await signInAtCampus(page, "outsider");
    await page.waitForURL((url) => url.origin !== campus!.issuer && url.pathname === "/account" && url.searchParams.has("sso"));
    await expect(page.getByTestId("sso-problem")).toHaveText(SSO_REFUSED);
    await expect(page.getByTestId("sign-in")).toBeVisible();
    expect((await page.request.get("/api/account")).status()).toBe(401);
  });

  test("a staff member of the console, in the campus's staff group, lands on the staff console signed in", async ({ page }) => {
    await signInAtCampus(page, "staff");
    await page.waitForURL((url) => url.origin !== campus!.issuer && url.pathname === "/staff");
    await expect(page.getByTestId("staff-member")).toContainText(`Signed in as ${CAMPUS_ACCOUNTS.staff!.email}`);
    // A staff sign-in is not a student account.
    expect((await page.request.get("/api/account")).status()).toBe(401);
  });
});
