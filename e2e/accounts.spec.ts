import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";

/**
 * Student accounts across two browsers (two contexts: two devices). A books anonymously; B asks for
 * a sign-in link for the same address, opens it from the mail sink, and sees A's booking and chat;
 * B cancels; the chat A still has open says so live. Then B's account page lists its device, and
 * signing out leaves B an anonymous browser that sees none of it. Production build + sidecar + mail sink.
 */

/** The newest sign-in link mailed to `email`, read in a context of its own as the student's mail app would. */
async function signInLinkFor(browser: Browser, email: string): Promise<string> {
  const sink = await browser.newContext();
  try {
    const reader = await sink.newPage();
    let text = "";
    await expect(async () => {
      await reader.goto("/dev/mail");
      const found = reader.getByTestId("dev-mail-message").filter({ hasText: `To ${email}` }).filter({ hasText: "Your sign-in link" });
      await expect(found.first()).toBeVisible({ timeout: 1_000 });
      text = (await found.first().textContent()) ?? "";
    }).toPass({ timeout: 20_000 });
    const link = /(http\S+?\/account\/link\?token=[\w-]+)/.exec(text)?.[1];
    expect(link, text).toBeTruthy();
    expect(text).toContain("made with this address, to your account");
    return link!;
  } finally {
    await sink.close();
  }
}

async function askForLink(page: Page, email: string) {
  await page.goto("/account");
  await expect(page.getByTestId("sign-in")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByTestId("sign-in-status")).toHaveText("If that address can receive email from us, a sign-in link is on its way. It works once, within 15 minutes.");
}

test.describe("student accounts on two devices", () => {
  test.beforeAll(() => startSidecar());

  test("book on A, sign in by email link on B, see and cancel it on B; A's open chat says so live", async ({ page, browser }) => {
    const stamp = Date.now();
    const email = `account.${stamp}@example.com`;
    const laptop = new ChatPage(page);
    const booking = await bookInChat(laptop, lettersName("Ada", stamp), email);

    const phoneContext = await browser.newContext();
    try {
      const phone = await phoneContext.newPage();
      await askForLink(phone, email);
      const link = await signInLinkFor(browser, email);

      await phone.goto(link);
      await expect(phone.getByTestId("sign-in-link")).toContainText(`Make an account with ${email}`);
      await expect(phone.getByTestId("sign-in-link-bookings")).toContainText("the booking made with this address, listed in the email");
      await phone.getByRole("button", { name: `Sign in as ${email}` }).click();
      await phone.waitForURL("**/bookings");
      const row = phone.getByTestId("booking").filter({ hasText: booking.reference });
      await expect(row).toHaveAttribute("data-status", "confirmed");

      // The chat it was booked in is on the phone too.
      await phone.goto("/");
      await expect(phone.getByTestId("saved-chat")).toHaveCount(1);

      // A used link is spent.
      await phone.goto(link);
      await expect(phone.getByTestId("sign-in-link-error")).toBeVisible();

      await phone.goto("/bookings");
      await phone.getByRole("button", { name: /^Cancel the session with/ }).click();
      await expect(phone.getByRole("status").filter({ hasText: "is cancelled" })).toBeVisible();
      await expect(phone.getByTestId("booking").filter({ hasText: booking.reference })).toHaveAttribute("data-status", "cancelled");

      // The laptop still has the chat open: the cancellation arrives there live.
      await expect(laptop.assistantMessages().last()).toContainText("cancelled", { timeout: 15_000 });

      // The account page lists this device; signing out leaves an anonymous browser that sees nothing of the account.
      await phone.goto("/account");
      await expect(phone.getByTestId("account-email")).toHaveText(email);
      await expect(phone.getByTestId("account-devices").getByRole("listitem")).toHaveCount(1);
      await expect(phone.getByTestId("account-devices")).toContainText("(this device)");
      await phone.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(phone.getByTestId("sign-in")).toBeVisible();
      const after = (await (await phone.request.get("/api/bookings")).json()) as { bookings: unknown[] };
      expect(after.bookings).toEqual([]);
    } finally {
      await phoneContext.close();
    }
  });

  test("a made-up or cut-short link signs nobody in", async ({ page }) => {
    await page.goto("/account/link?token=" + "A".repeat(43));
    await expect(page.getByTestId("sign-in-link-error")).toBeVisible();
    const answer = await page.request.post("/api/account/link", { data: { token: "A".repeat(43) } });
    expect(answer.status()).toBe(410);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("gone");
    const bad = await page.request.post("/api/account/link", { data: { token: 7 } });
    expect(bad.status()).toBe(400);
    expect((await page.request.get("/api/account")).status()).toBe(401);
  });
});
