import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";

test.describe("Waitlist (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("a student on a taken slot's waitlist sees it offered live when it is cancelled on My bookings, and books it", async ({ page, browser }) => {
    const stamp = Date.now();
    // Two students: two browsers, two owner cookies.
    const ada = new ChatPage(page);
    const otherBrowser = await browser.newContext();
    const grace = new ChatPage(await otherBrowser.newPage());
    const request = "I need help with Spanish on Thursday at 10";
    for (const [chat, first] of [[ada, "Ada"], [grace, "Grace"]] as const) {
      await chat.open();
      for (const text of [request, "Book this tutor", "yes", `${lettersName(first, stamp)}, ${first.toLowerCase()}-${stamp}@example.com`, "Online. Verb tenses"]) {
        await chat.send(text);
      }
      await expect(chat.page.getByTestId("booking-form")).toHaveAttribute("data-step", "review");
    }

    // Ada books the slot first; Grace, confirming the same slot, is told it was taken and joins its waitlist.
    await ada.send("Confirm booking");
    await expect(page.getByTestId("booking-confirmation")).toBeVisible();
    await grace.send("Confirm booking");
    await expect(grace.assistantMessages().last()).toContainText("just taken");
    await grace.clickQuickReply("Join the waitlist");
    await expect(grace.assistantMessages().last()).toContainText("number 1 in line");

    // Ada cancels on My bookings; Grace's open chat shows the offer without a reload.
    await page.getByRole("link", { name: "My bookings" }).click();
    const row = page.getByTestId("booking").and(page.locator('[data-status="confirmed"]'));
    await expect(row).toHaveCount(1);
    await row.getByRole("button", { name: /^Cancel the session/ }).click();
    await expect(page.getByRole("status").filter({ hasText: "is cancelled" })).toBeVisible();

    await expect(grace.assistantMessages().last()).toContainText("A place opened up", { timeout: 20_000 });
    await expect(grace.assistantMessages().last()).toContainText("It is not booked yet");
    await grace.clickQuickReply("Book it");
    await expect(grace.page.getByTestId("booking-confirmation")).toBeVisible();
    await expect(grace.assistantMessages().last()).toContainText("You're booked with");

    const { bookings } = (await (await grace.page.request.get("/api/bookings")).json()) as { bookings: { status: string }[] };
    expect(bookings.map((booking) => booking.status)).toEqual(["confirmed"]);
    await otherBrowser.close();
  });
});
