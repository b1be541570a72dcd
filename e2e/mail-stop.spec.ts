import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";

/**
 * Someone typed a stranger's address into the chat: the stranger opens the "stop these emails" link
 * from the email, presses the button, and gets nothing more, whatever is booked or cancelled next;
 * the chat says so instead of promising an email. Production build + sidecar + local mail sink.
 */
test.describe("stop these emails (one-click link in every email)", () => {
  test.beforeAll(() => startSidecar());

  test("the stop link from an email at /dev/mail stops every later email to that address", async ({ page }) => {
    const stamp = Date.now();
    const email = `stranger.${stamp}@example.com`;
    const chat = new ChatPage(page);
    await bookInChat(chat, lettersName("Ada", stamp), email);
    // Nobody confirmed the address: the one email that goes asks whether it was them, and carries the stop link.
    await expect(chat.assistantMessages().last()).toContainText(`we've emailed ${email} a link to confirm it's yours`);
    await expect(chat.assistantMessages().last()).not.toContainText("on its way");
    const toStranger = page.getByTestId("dev-mail-message").filter({ hasText: `To ${email}` });
    await expect(async () => {
      await page.goto("/dev/mail");
      await expect(toStranger).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(toStranger.getByRole("heading")).toContainText("Confirm your email for your tutoring booking");
    await expect(toStranger).toContainText(`Stop all emails to ${email}: `);
    await expect(toStranger).toContainText("List-Unsubscribe=One-Click");
    const link = toStranger.getByTestId("dev-mail-stop-link");
    expect(await link.getAttribute("href")).toMatch(/\/api\/mail\/stop\?token=[\w.%-]+$/);

    // Opening the link asks; it stops nothing by itself. The button does.
    await link.click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stop these emails?");
    await expect(page.getByText(email)).toBeVisible();
    await page.reload(); // a mail scanner opening the link twice still stops nothing
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stop these emails?");
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);
    await page.getByRole("button", { name: "Stop emails to this address" }).click();
    await expect(page.getByTestId("mail-stop-done")).toHaveText(`Done: we will send no more emails to ${email}.`);

    // Cancel, then book again: the chat says why no email goes, and the sink gets nothing new.
    await chat.open();
    await chat.send("cancel my booking");
    await expect(chat.assistantMessages().last()).toContainText("This can't be undone.");
    await chat.send("yes");
    await expect(chat.assistantMessages().last()).toContainText(`No email will be sent to ${email} because that address asked us to stop emailing it.`);
    await expect(chat.assistantMessages().last()).not.toContainText("on its way");
    // Booking again in a new chat, as a student would: one chat's messages are paced (a burst of 10).
    await page.getByTestId("new-chat").click();
    await expect(chat.userMessages()).toHaveCount(0);
    await bookInChat(chat, lettersName("Ada", stamp), email);
    await expect(chat.assistantMessages().last()).toContainText(`No email will be sent to ${email} because that address asked us to stop emailing it.`);
    await expect(chat.assistantMessages().last()).not.toContainText("on its way");

    await page.goto("/dev/mail");
    await expect(page.getByTestId("dev-mail-list")).toBeVisible();
    // Still only the one email asking whether it was them: no invite, no cancellation, no second confirmation.
    await expect(toStranger).toHaveCount(1);
    await expect(toStranger.getByRole("heading")).toContainText("Confirm your email for your tutoring booking");
  });

  test("a token the center did not sign, or a POST without the one-click field, is refused", async ({ request }) => {
    const forged = await request.post("/api/mail/stop?token=eyJ2IjoxLCJhIjoiYUBiLmNvIn0.AAAA", { form: { "List-Unsubscribe": "One-Click" } });
    expect(forged.status()).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: "bad_request" } });
    const noClick = await request.post("/api/mail/stop?token=x.y", { form: { other: "1" } });
    expect(noClick.status()).toBe(400);
  });
});
