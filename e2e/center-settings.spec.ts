import { DEFAULT_CENTER_POLICY } from "../lib/center/policy";
import { localNow } from "../lib/calendar";
import { stackNow } from "./support/clock";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { invite, seriousViolations, SITE, withPasskeys } from "./support/staff";
import { expect, test, type Page } from "./support/test";

/**
 * Center settings on the production build: an admin sets the booking policies in the staff
 * console, and the assistant a student talks to applies and explains them at once.
 */

const { closedDates: _none, ...DEFAULT_SETTINGS } = DEFAULT_CENTER_POLICY;

/** "4:30pm" for the first half hour at least two hours from now at the center, and its weekday. */
function twoHoursFromNow(): { day: string; time: string } {
  const local = localNow(new Date(stackNow() + 2 * 60 * 60_000), DEFAULT_CENTER_POLICY.timeZone);
  const minutes = Math.ceil(local.minutes / 30) * 30;
  // Rounding up past midnight lands on 00:00 of the next day: stay on the last half hour instead.
  const clock = minutes >= 24 * 60 ? 23 * 60 + 30 : minutes;
  const hours = Math.floor(clock / 60);
  const time = `${hours % 12 === 0 ? 12 : hours % 12}:${String(clock % 60).padStart(2, "0")}${hours < 12 ? "am" : "pm"}`;
  return { day: local.weekday, time };
}

async function signInAdmin(page: Page) {
  await withPasskeys(page);
  await page.goto(invite(`settings-admin-${Date.now()}@center.example`, "admin"));
  await page.getByTestId("register-passkey").click();
  await expect(page.getByTestId("staff-member")).toContainText("(Admin)");
}

async function restoreDefaults(page: Page) {
  const response = await page.request.put(`${SITE}/api/staff/settings`, { headers: { origin: SITE }, data: DEFAULT_SETTINGS });
  expect(response.status()).toBe(200);
}

test.describe("center settings", () => {
  test.beforeAll(() => startSidecar());

  test("an admin sets 24 hours' notice, and the assistant refuses a slot 2 hours away and says why", async ({ page, browser }) => {
    await signInAdmin(page);
    try {
      await page.getByRole("link", { name: /^Center settings/ }).click();
      await expect(page.getByRole("heading", { name: "Center settings" })).toBeVisible();
      await expect(page.getByLabel("Minimum notice (hours)")).toHaveValue("0");
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByLabel("Minimum notice (hours)").fill("24");
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByTestId("settings-status")).toHaveText("Settings saved.");
      // What the page shows is what the sidecar stored.
      await page.reload();
      await expect(page.getByLabel("Minimum notice (hours)")).toHaveValue("24");

      const student = await browser.newContext();
      const chat = new ChatPage(await student.newPage());
      await chat.open();
      const { day, time } = twoHoursFromNow();
      await chat.send(`I need help with Python on ${day} at ${time}`);
      await expect(chat.assistantMessages().last()).toContainText("Sessions need at least 24 hours' notice, so the earliest I can book is");
      await expect(chat.assistantMessages().last()).toContainText("The nearest time I can book:");

      await chat.page.goto("/tutors");
      await expect(chat.page.getByTestId("booking-rules")).toContainText("book at least 24 hours ahead");
      await student.close();
    } finally {
      await restoreDefaults(page);
    }
  });

  test("an admin closes a date and opens it again; a bad time zone is refused and nothing is said to be saved", async ({ page }) => {
    await signInAdmin(page);
    try {
      await page.goto(`${SITE}/staff/settings`);
      await page.getByLabel("Date", { exact: true }).fill("2031-12-25");
      await page.getByLabel(/^Reason/).fill("Winter break");
      await page.getByRole("button", { name: "Add closed date" }).click();
      await expect(page.getByTestId("closed-dates")).toContainText("2031-12-25: Winter break");
      await expect(page.getByTestId("settings-status")).toHaveText("Closed on 2031-12-25.");
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Remove the closed date 2031-12-25" }).click();
      await expect(page.getByText("No closed dates ahead.")).toBeVisible();

      await page.getByLabel("Time zone").fill("Mars/Olympus_Mons");
      await page.getByLabel("Closed on Sundays").check();
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByTestId("settings-error")).toContainText("time zone");
      await expect(page.getByTestId("settings-status")).toHaveText("");
      await page.reload();
      await expect(page.getByLabel("Time zone")).toHaveValue(DEFAULT_CENTER_POLICY.timeZone);
      await expect(page.getByLabel("Closed on Sundays")).not.toBeChecked();
    } finally {
      await restoreDefaults(page);
    }
  });
});
