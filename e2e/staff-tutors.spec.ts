import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { retype, tabTo } from "./support/keyboard";
import { invite, seriousViolations, SITE, withPasskeys } from "./support/staff";
import { expect, test } from "./support/test";

/**
 * The staff console's tutor editor on the production build: a staff member
 * changes a tutor's weekly hours with the keyboard alone, and a student's
 * assistant offers the new hours at once.
 */

test.describe("the tutor editor", () => {
  test.beforeAll(() => startSidecar());

  test("a staff member edits a tutor's hours by keyboard alone, and the assistant offers the new hours", async ({ page, browser }) => {
    await withPasskeys(page);
    await page.goto(invite(`tutors-desk-${Date.now()}@center.example`, "staff"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Staff)");

    // From the console to the list to the tutor, by keyboard.
    await tabTo(page, page.getByRole("link", { name: /^Tutors:/ }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: "Tutors" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, page.getByLabel("Search tutors by name or subject"));
    await page.keyboard.type("Hiroshi");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("staff-tutor")).toHaveCount(1);
    await tabTo(page, page.getByRole("link", { name: "Hiroshi Tanaka" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: "Hiroshi Tanaka" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // Remove every weekly range (the seed's, or an earlier run's), then add Wednesday evening.
    const rows = page.getByTestId("hours-row");
    while ((await rows.count()) > 0) {
      await tabTo(page, page.getByRole("button", { name: "Remove range 1" }), { backwards: true });
      await page.keyboard.press("Enter");
      await expect(page.getByRole("button", { name: "Add a weekly range" })).toBeFocused();
    }
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Day 1")).toBeFocused();
    await page.keyboard.press("w"); // the day list jumps to Wednesday
    await expect(page.getByLabel("Day 1")).toHaveValue("wednesday");
    await page.keyboard.press("Tab");
    await retype(page, "20:00");
    await page.keyboard.press("Tab");
    await retype(page, "20:45");
    await tabTo(page, page.getByRole("button", { name: "Save changes" }));
    await page.keyboard.press("Enter");

    // Off the half-hour grid: refused, said beside the field, and the focus goes there.
    await expect(page.locator("main").getByRole("alert")).toContainText("Nothing was saved");
    await expect(page.getByLabel("End 1")).toBeFocused();
    await expect(page.getByLabel("End 1")).toHaveAttribute("aria-invalid", "true");
    expect(await seriousViolations(page)).toEqual([]);
    await retype(page, "22:00");
    await tabTo(page, page.getByRole("button", { name: "Save changes" }));
    await page.keyboard.press("Enter");
    await expect(page.locator("main").getByRole("status")).toContainText("Saved");

    // The saved hours are what the server holds.
    const stored = await page.request.get(`${SITE}/api/staff/tutors/t-006`);
    expect((await stored.json()).tutor.availability).toEqual([{ day: "wednesday", start: "20:00", end: "22:00" }]);

    // A student, in their own browser, gets the new hours from the assistant.
    const student = await browser.newContext();
    const chat = new ChatPage(await student.newPage());
    await chat.open();
    await chat.send("I need help with Japanese on Wednesday at 8pm");
    const card = chat.page.locator('[data-testid="tutor-card"][data-tutor-id="t-006"]').first();
    await expect(card).toContainText("Wednesday");
    await expect(card).toContainText("20:00–21:00");
    await expect(card).toContainText("Usually free: Wed 20:00–22:00");
    await student.close();
  });

  test("a tutor-role member sees the tutors but no way to change them", async ({ page }) => {
    await withPasskeys(page);
    await page.goto(invite(`tutors-tutor-${Date.now()}@center.example`, "tutor", "t-001"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Tutor)");
    await page.goto(`${SITE}/staff/tutors/t-001`);
    await expect(page.getByRole("heading", { level: 1, name: "Maya Chen" })).toBeVisible();
    await expect(page.getByTestId("tutor-form")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Retire/ })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
    const refused = await page.request.put(`${SITE}/api/staff/tutors/t-001`, {
      headers: { origin: SITE },
      data: { name: "Renamed", bio: "", mode: "online", subjects: ["Python"], hours: [{ day: "monday", start: "09:00", end: "10:00" }] },
    });
    expect(refused.status()).toBe(403);
  });

  test("staff add a tutor and retire them; the page then lists their sessions to rebook", async ({ page }) => {
    await withPasskeys(page);
    await page.goto(invite(`tutors-admin-${Date.now()}@center.example`, "admin"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Admin)");
    await page.goto(`${SITE}/staff/tutors/new`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Name").fill("Ada Byron");
    await page.getByLabel("Subject 1").fill("Analytical Engines");
    await page.getByRole("button", { name: "Add tutor" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Ada Byron" })).toBeVisible();
    await expect(page.locator("main").getByRole("status")).toContainText("Added");

    await page.getByRole("button", { name: "Retire tutor…" }).click();
    await expect(page.getByRole("button", { name: "Yes, retire Ada Byron" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("retired-note")).toBeVisible();
    await expect(page.getByRole("heading", { name: /Sessions to rebook/ })).toBeVisible();
    await expect(page.getByTestId("rebooking-none")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${SITE}/tutors?q=analytical`);
    await expect(page.getByTestId("tutor-count")).toContainText("No tutors");
  });
});
