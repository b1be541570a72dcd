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

  test("a brand-new browser's bell goes live once the page has minted the owner: a booking in that tab shows 1 unread without a reload", async ({ browser }) => {
    // A new context: no owner cookie, and no /api/health call before the page's own.
    const context = await browser.newContext();
    const page = await context.newPage();
    const countAnswers: unknown[] = [];
    page.on("response", async (response) => {
      if (response.url().endsWith("/api/notifications/count")) countAnswers.push(await response.json().catch(() => null));
    });
    // The first visit at its slowest: the page's /api/health (which mints the owner) is held until the
    // bell's first count has answered, so that count comes from a browser with no owner yet.
    const firstCount = page.waitForResponse((response) => response.url().endsWith("/api/notifications/count"));
    await page.route("**/api/health", async (route) => {
      await firstCount;
      await route.continue();
    });
    const chat = new ChatPage(page);
    await chat.open();
    expect(await (await firstCount).json()).toEqual({ unread: 0, live: false });
    await page.unroute("**/api/health");
    const bell = (unread: number) => page.getByRole("link", { name: `Notifications ${unread} unread`, exact: true });
    await expect(bell(0)).toBeVisible();
    // Set in the page: a reload would lose it.
    await page.evaluate(() => document.documentElement.setAttribute("data-same-page", "yes"));

    await chat.send("I need help with Python on Monday at 10");
    await chat.send("Book this tutor");
    await chat.send("yes");
    await chat.send(`${lettersName("Mary", Date.now())}, mary@example.edu`);
    await chat.send("Online. Recursion and list comprehensions");
    await chat.send("Confirm booking");
    await expect(page.getByTestId("booking-reference")).toBeVisible();

    await expect(bell(1)).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("data-same-page", "yes");
    // Two counts, no polling: the first (no owner yet), and one when the page said the owner exists; then the socket.
    expect(countAnswers).toEqual([{ unread: 0, live: false }, { unread: 0, live: true }]);
    await context.close();
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

/** "10:05": an instant's time of day in `timeZone`, worked out here and not by the site's own code. */
function clockIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

test.describe("times for a student whose browser is in Berlin", () => {
  test.use({ timezoneId: "Europe/Berlin" });
  test.beforeAll(() => startSidecar());

  test("every page names the center's zone, and the bell's times are the center's, as the chat's are", async ({ page }) => {
    expect((await page.request.get("/api/health")).ok()).toBe(true);
    const chat = new ChatPage(page);
    await chat.open();
    const note = page.getByTestId("zone-note");
    await expect(note).toHaveText("All times are Pacific Time (Los Angeles), the center's time zone.");

    const booking = await bookInChat(chat, lettersName("Lena", Date.now()), "lena@example.de");
    // The chat says the session's time at the center.
    await expect(page.getByTestId("booking-confirmation")).toContainText(booking.start);
    const bell = page.getByRole("link", { name: "Notifications 1 unread", exact: true });
    await bell.click();
    const item = page.getByTestId("notification").first();
    await expect(item).toContainText(`at ${booking.start}`);
    await expect(note).toBeVisible();
    // When it came: at the center too (not Berlin's clock beside the center's), marked PT.
    const when = item.locator("time");
    const iso = (await when.getAttribute("datetime"))!;
    await expect(when).toHaveText(new RegExp(` ${clockIn(iso, "America/Los_Angeles")} PT$`));
    expect(clockIn(iso, "Europe/Berlin")).not.toBe(clockIn(iso, "America/Los_Angeles"));

    for (const path of ["/tutors", "/bookings"]) {
      await page.goto(path);
      await expect(page.getByTestId("zone-note")).toHaveText("All times are Pacific Time (Los Angeles), the center's time zone.");
    }
    await expect(page.getByTestId("booking").first()).toContainText(booking.start);
  });
});

test.describe("times for a student in the center's own zone", () => {
  test.use({ timezoneId: "America/Los_Angeles" });
  test.beforeAll(() => startSidecar());

  test("no page adds a zone note, and the bell's times carry no zone mark", async ({ page }) => {
    expect((await page.request.get("/api/health")).ok()).toBe(true);
    const chat = new ChatPage(page);
    await chat.open();
    await bookInChat(chat, lettersName("Luz", Date.now()), "luz@example.com");
    await page.getByRole("link", { name: "Notifications 1 unread", exact: true }).click();
    const when = page.getByTestId("notification").first().locator("time");
    const iso = (await when.getAttribute("datetime"))!;
    await expect(when).toHaveText(new RegExp(` ${clockIn(iso, "America/Los_Angeles")}$`));
    await expect(page.getByTestId("zone-note")).toHaveCount(0);
    for (const path of ["/", "/tutors", "/bookings"]) {
      await page.goto(path);
      // The bell is drawn in the browser: once it shows, the page is hydrated and any note would be there.
      await expect(page.getByTestId("notification-bell")).toBeVisible();
      await expect(page.getByTestId("zone-note")).toHaveCount(0);
    }
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
