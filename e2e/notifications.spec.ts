import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { tabTo } from "./support/keyboard";
import { startSidecar, stopSidecar } from "./support/sidecar";
import { seriousViolations } from "./support/staff";

test.describe("the bell: in-app notifications (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("a booking in one tab shows in the other tab's bell without a reload; opening the list shows it and reads it", async ({ page }) => {
    // The owner both tabs share, minted first, so each tab's bell opens its socket as it loads.
    expect((await page.request.get("/api/health")).ok()).toBe(true);
    const chat = new ChatPage(page);
    await chat.open();
    const bell = (tab: typeof page, unread: number) => tab.getByRole("link", { name: `Notifications ${unread} unread`, exact: true });
    await expect(bell(page, 0)).toBeVisible();

    const other = await page.context().newPage();
    await other.goto("/tutors");
    await expect(bell(other, 0)).toBeVisible();
    // From here on, tab 2 may not ask for the count again: the new count must arrive over its socket.
    const countRequests: string[] = [];
    other.on("request", (request) => {
      if (request.url().includes("/api/notifications/count")) countRequests.push(request.url());
    });

    const booking = await bookInChat(chat, lettersName("Grace", Date.now()), "grace@example.edu");
    await expect(bell(other, 1)).toBeVisible();
    await expect(other.getByTestId("notification-bell")).toContainText("1");
    await expect(bell(page, 1)).toBeVisible();
    expect(countRequests).toEqual([]);

    await bell(other, 1).click();
    await expect(other).toHaveURL(/\/notifications$/);
    const item = other.getByTestId("notification").first();
    await expect(item).toContainText("Session booked");
    await expect(item).toContainText(`at ${booking.start}`);
    await expect(other.getByRole("status").filter({ hasText: "marked as read" })).toBeVisible();
    // Both tabs' bells go to 0: the read is pushed to every open bell.
    await expect(bell(other, 0)).toBeVisible();
    await expect(bell(page, 0)).toBeVisible();
    expect(await seriousViolations(other)).toEqual([]);
    await other.close();
  });

  test("the preferences page works by keyboard, keeps what was saved, and passes axe", async ({ page }) => {
    await page.goto("/bookings");
    await page.getByRole("link", { name: "notification preferences" }).click();
    await expect(page).toHaveURL(/\/notifications\/preferences$/);
    const changeEmails = page.getByRole("checkbox", { name: /when a session is booked or cancelled/ });
    const oneHour = page.getByRole("checkbox", { name: "1 hour before" });
    await expect(changeEmails).toBeChecked();
    await expect(oneHour).toBeChecked();
    expect(await seriousViolations(page)).toEqual([]);

    await tabTo(page, changeEmails);
    await page.keyboard.press("Space");
    await tabTo(page, oneHour);
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("button", { name: "Save preferences" }));
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("preferences-status")).toContainText("Preferences saved");

    await page.reload();
    await expect(page.getByRole("checkbox", { name: /when a session is booked or cancelled/ })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "1 hour before" })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "24 hours before" })).toBeChecked();
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe("the bell without the sidecar", () => {
  test.beforeAll(stopSidecar);
  test.afterAll(() => startSidecar());

  test("is not shown: nothing can be notified, and the count route says the service is down", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await expect(chat.notSavedNotice).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My bookings" })).toBeVisible();
    const count = await page.request.get("/api/notifications/count");
    expect(count.status()).toBe(503);
    await expect(page.getByTestId("notification-bell")).toHaveCount(0);
  });
});
