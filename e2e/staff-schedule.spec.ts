import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { bookInChat, lettersName } from "./support/booking";
import { startBookingNow } from "./support/d1";
import { invite, seriousViolations, SITE, withPasskeys } from "./support/staff";

test.describe("the staff schedule", () => {
  test.beforeAll(() => startSidecar());

  test("staff see a student's booking in its week and cancel it with a reason; the student's open chat says so live", async ({ page, browser }) => {
    const student = await browser.newContext();
    const chat = new ChatPage(await student.newPage());
    const stamp = Date.now();
    // Unique per run, so the row is this one.
    const name = lettersName("Rosa", stamp);
    const booking = await bookInChat(chat, name, `rosa-${stamp}@example.com`);

    await withPasskeys(page);
    await page.goto(invite(`desk-${stamp}@center.example`, "staff"));
    await page.getByTestId("register-passkey").click();
    await page.getByRole("main").getByRole("link", { name: /^Schedule/ }).click();
    await expect(page.getByRole("heading", { name: "Schedule", level: 1 })).toBeVisible();
    await expect(page.locator('[aria-current="date"]')).toHaveCount(1);
    expect(await seriousViolations(page)).toEqual([]);

    // The week holding the booking (this week or next: "Monday" is the coming one).
    await page.goto(`${SITE}/staff/schedule?from=${booking.date}`);
    const day = page.getByTestId(`day-${booking.date}`);
    const row = day.getByTestId("schedule-booking").filter({ hasText: name });
    await expect(row).toContainText(booking.start);
    await expect(row).toContainText("Recursion and list comprehensions");
    await expect(row.getByTestId("booking-status")).toHaveText("Confirmed");
    expect(await seriousViolations(page)).toEqual([]);

    // By keyboard: open the cancel form, give the reason, confirm.
    await row.getByRole("button", { name: "Cancel session…" }).focus();
    await page.keyboard.press("Enter");
    const reason = `The tutor is ill today (${stamp}); we will call you to rebook.`;
    await row.getByLabel(/^Why is it cancelled/).fill(reason);
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole("button", { name: "Confirm cancel" }).click();
    await expect(page.getByTestId("schedule-status")).toContainText("The student's chat says so");
    await expect(row.getByTestId("booking-status")).toContainText(`Cancelled by the center: ${reason}`);
    await expect(row.getByRole("button", { name: "Cancel session…" })).toHaveCount(0);

    // The student did nothing: their open chat shows the center's message, pushed over the socket.
    await expect(chat.assistantMessages().filter({ hasText: "The tutoring center cancelled your session" })).toContainText(reason);
    const { bookings } = (await (await chat.page.request.get("/api/bookings")).json()) as { bookings: { id: string; status: string }[] };
    expect(bookings.find((entry) => entry.id === booking.id)?.status).toBe("cancelled");
    await student.close();
  });

  test("a tutor sees only their own tutor's week and cannot cancel", async ({ page }) => {
    await withPasskeys(page);
    await page.goto(invite(`tutor-${Date.now()}@center.example`, "tutor", "t-003"));
    await page.getByTestId("register-passkey").click();
    await page.getByRole("main").getByRole("link", { name: /^Schedule/ }).click();
    await expect(page.getByText("Loading the week…")).toHaveCount(0);
    await expect(page.getByLabel("Tutor")).toHaveCount(0);
    for (const name of await page.getByRole("heading", { level: 3 }).allTextContents()) expect(name).toBe("Priya Natarajan");
    await expect(page.getByRole("button", { name: "Cancel session…" })).toHaveCount(0);
    // The staff header offers a tutor only what a tutor may use.
    const header = page.getByRole("navigation", { name: "Staff console" });
    expect(await header.getByRole("link").allTextContents()).toEqual(["Console", "Schedule", "Tutors", "Settings"]);
    await expect(header.getByRole("link", { name: "Schedule" })).toHaveAttribute("aria-current", "page");
    expect(await seriousViolations(page)).toEqual([]);
    const refused = await page.request.post(`${SITE}/api/staff/schedule/cancel`, { headers: { origin: SITE }, data: { bookingId: `bk-${"0".repeat(32)}`, reason: "no" } });
    expect(refused.status()).toBe(403);
  });

  test("a session under way: the attendance recorded shows pressed, and it can no longer be cancelled", async ({ page, browser }) => {
    const student = await browser.newContext();
    const stamp = Date.now();
    const name = lettersName("Ines", stamp);
    const booking = await bookInChat(new ChatPage(await student.newPage()), name, `ines-${stamp}@example.com`);
    await student.close();
    const slot = startBookingNow(booking.id);

    await withPasskeys(page);
    await page.goto(invite(`desk-started-${stamp}@center.example`, "staff"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Staff)");
    await page.goto(`${SITE}/staff/schedule?from=${slot.date}`);
    const row = page.getByTestId(`day-${slot.date}`).getByTestId("schedule-booking").filter({ hasText: name });
    await expect(row).toContainText(slot.start);
    const attended = row.getByRole("button", { name: "Attended" });
    const noShow = row.getByRole("button", { name: "No-show" });
    await expect(attended).toHaveAttribute("aria-pressed", "false");
    await expect(noShow).toHaveAttribute("aria-pressed", "false");
    // It has started: staff mark attendance instead of cancelling.
    await expect(row.getByRole("button", { name: "Cancel session…" })).toHaveCount(0);

    const look = (button: typeof attended) => button.evaluate((element) => getComputedStyle(element).backgroundColor);
    const unpressed = await look(attended);
    await attended.click();
    await expect(page.getByTestId("schedule-status")).toContainText("as attended");
    await expect(row.getByTestId("booking-status")).toHaveText("Confirmed · attended");
    await expect(attended).toHaveAttribute("aria-pressed", "true");
    await expect(noShow).toHaveAttribute("aria-pressed", "false");
    // Pressed looks pressed (not only to a screen reader), the other does not; both keep their contrast.
    expect(await look(attended)).not.toBe(unpressed);
    expect(await look(noShow)).toBe(unpressed);
    await expect(row.getByRole("button", { name: "Cancel session…" })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);

    await noShow.click();
    await expect(row.getByTestId("booking-status")).toHaveText("Confirmed · no-show");
    await expect(noShow).toHaveAttribute("aria-pressed", "true");
    await expect(attended).toHaveAttribute("aria-pressed", "false");
    expect(await look(noShow)).not.toBe(unpressed);
    expect(await look(attended)).toBe(unpressed);

    // The sidecar refuses the cancel all the same, saying why, and changes nothing.
    const refused = await page.request.post(`${SITE}/api/staff/schedule/cancel`, { headers: { origin: SITE }, data: { bookingId: booking.id, reason: "too late" } });
    expect(refused.status()).toBe(409);
    expect(JSON.stringify(await refused.json())).toContain("already started");
    await page.reload();
    await expect(row.getByTestId("booking-status")).toHaveText("Confirmed · no-show");
  });
});
