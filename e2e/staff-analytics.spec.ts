import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { invite, PORT, seriousViolations, SITE, withPasskeys } from "./support/staff";

/** The totals the page shows, by their labels. */
async function totals(page: Page): Promise<Record<string, number>> {
  const list = page.getByTestId("analytics-totals");
  await expect(list).toBeVisible();
  const entries = await list.locator("div").evaluateAll((items) => items.map((item) => [item.querySelector("dt")?.textContent ?? "", item.querySelector("dd")?.textContent ?? ""]));
  return Object.fromEntries(entries.filter(([, value]) => /^\d+$/.test(value ?? "")).map(([label, value]) => [label, Number(value)]));
}

/** Reloads the page until its totals have moved by `delta` from `before` (the counts arrive a moment after the answers). */
async function expectTotalsMoved(page: Page, before: Record<string, number>, delta: Record<string, number>) {
  await expect(async () => {
    await page.reload();
    const now = await totals(page);
    const moved = Object.fromEntries(Object.keys(delta).map((label) => [label, (now[label] ?? 0) - (before[label] ?? 0)]));
    expect(moved).toEqual(delta);
  }).toPass({ timeout: 20_000 });
}

test.describe("staff analytics (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("counts a student's chat and booking, charts them with tables, and downloads them as CSV", async ({ page, browser }) => {
    await withPasskeys(page);
    await page.goto(invite(`numbers-${Date.now()}@center.example`, "staff"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Staff)");
    await page.getByRole("main").getByRole("link", { name: /^Analytics/ }).click();
    await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
    const before = await totals(page);

    const student = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}` });
    const chat = new ChatPage(await student.newPage());
    await chat.open();
    await chat.send("I need help with Python on Monday at 10");
    await chat.send("Book this tutor");
    await chat.send("yes");
    await chat.send("Ada Lovelace, ada@example.com");
    await chat.send("Online. Recursion");
    await chat.send("Confirm booking");
    await expect(chat.assistantMessages().last()).toContainText(/booked|confirmed/i);
    await student.close();

    await expectTotalsMoved(page, before, { "Chats started": 1, "Student messages": 6, "Bookings made": 1 });
    await expect(page.getByTestId("chats-chart").locator("canvas")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // The chart's table, opened from the keyboard, holds today's numbers.
    const summary = page.getByText("Chats and messages: as a table");
    await summary.focus();
    await page.keyboard.press("Enter");
    const table = page.getByTestId("chats-table");
    await expect(table).toBeVisible();
    const after = await totals(page);
    const columnSum = async (column: number) =>
      (await table.locator(`tbody tr td:nth-of-type(${column})`).allTextContents()).reduce((sum, text) => sum + Number(text), 0);
    expect(await columnSum(1)).toBe(after["Chats started"]);
    expect(await columnSum(2)).toBe(after["Student messages"]);
    expect(await seriousViolations(page)).toEqual([]);

    // By hour over two days: 48 rows.
    await page.getByLabel("Yesterday and today, by hour").check();
    await expect(page.getByRole("status").filter({ hasText: "by hour" })).toBeVisible();
    await expect(page.getByTestId("chats-table").locator("tbody tr")).toHaveCount(48);

    await page.getByLabel("Last 7 days, by day").check();
    await expect(page.getByRole("status").filter({ hasText: "by day" })).toBeVisible();
    const downloading = page.waitForEvent("download");
    await page.getByTestId("download-csv").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^analytics-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-day\.csv$/);
    const lines = (await readFile((await download.path())!, "utf8")).trim().split(/\r\n/);
    const header = lines[0]!.split(",");
    expect(header.slice(0, 4)).toEqual(["time", "chats_started", "messages", "bookings_made"]);
    expect(lines).toHaveLength(1 + 7);
    const sum = (name: string) => lines.slice(1).reduce((total, line) => total + Number(line.split(",")[header.indexOf(name)]), 0);
    expect(sum("chats_started")).toBe(after["Chats started"]);
    expect(sum("messages")).toBe(after["Student messages"]);
    expect(sum("bookings_made")).toBe(after["Bookings made"]);

    // A custom range, from the keyboard; a backwards one is refused with the reason and shows nothing new.
    await page.getByLabel("Custom range").check();
    await page.getByLabel("From", { exact: true }).fill("2026-11-10");
    await page.getByLabel("To", { exact: true }).fill("2026-11-01");
    await page.getByLabel("To", { exact: true }).press("Enter");
    await expect(page.locator("main").getByRole("alert")).toContainText("`to` is before `from`");
    await page.getByLabel("To", { exact: true }).fill("2026-11-12");
    await page.getByRole("combobox", { name: /^By/ }).selectOption("day");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page.getByRole("status").filter({ hasText: "2026-11-10 to 2026-11-12, by day" })).toBeVisible();
    await expect(page.getByTestId("chats-table").locator("tbody tr")).toHaveCount(3);
    await expect(page.locator("main").getByRole("alert")).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("a bad range is a 400 with a message; a tutor and a student get no numbers", async ({ page, request }) => {
    const bad = await request.get(`${SITE}/api/staff/analytics?from=2026-11-10&to=2026-11-01&granularity=day`);
    expect(bad.status()).toBe(401); // no staff session at all comes first

    await withPasskeys(page);
    await page.goto(invite(`tutor-${Date.now()}@center.example`, "tutor", "t-001"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Tutor)");
    await expect(page.getByRole("link", { name: /^Analytics/ })).toHaveCount(0);
    await page.goto(`${SITE}/staff/analytics`);
    await expect(page.getByText("Analytics are for staff and admins.")).toBeVisible();
    const refused = await page.request.get(`${SITE}/api/staff/analytics.csv?from=2026-11-01&to=2026-11-07&granularity=day`);
    expect(refused.status()).toBe(403);

    const staff = await browser(page);
    for (const query of ["from=2026-11-10&to=2026-11-01&granularity=day", "from=2026-11-01&to=2026-11-09&granularity=hour", "from=2026-11-01&to=2026-11-02&granularity=week", "from=x&to=y"]) {
      const response = await staff.request.get(`${SITE}/api/staff/analytics?${query}`);
      expect(response.status(), query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "bad_request", message: expect.any(String) } });
    }
    await staff.close();
  });
});

/** A second, signed-in staff member's page in a context of its own. */
async function browser(page: Page) {
  const context = await page.context().browser()!.newContext();
  const staffPage = await context.newPage();
  await withPasskeys(staffPage);
  await staffPage.goto(invite(`desk-${Date.now()}@center.example`, "admin"));
  await staffPage.getByTestId("register-passkey").click();
  await expect(staffPage.getByTestId("staff-member")).toContainText("(Admin)");
  return { request: staffPage.request, close: () => context.close() };
}
