import { DEFAULT_CENTER_POLICY } from "../lib/center/policy";
import { ChatPage } from "./pages/chat";
import { retype, tabTo } from "./support/keyboard";
import { startSidecar } from "./support/sidecar";
import { invite, PORT, seriousViolations, SITE, withPasskeys } from "./support/staff";
import { expect, test, type Page } from "./support/test";

/**
 * The assistant's persona and the feedback on its replies, on the production build: an admin
 * names the assistant and words its greeting on /staff/settings by keyboard; a new student chat
 * greets with them; a 👎 stays pressed after a reload; staff see it in the per-kind table.
 */

const { closedDates: _none, ...DEFAULT_SETTINGS } = DEFAULT_CENTER_POLICY;
const GREETING = "Hello! I'm {name}, the center's automated assistant. I find tutors and book sessions.";

async function signInAdmin(page: Page) {
  await withPasskeys(page);
  await page.goto(invite(`persona-admin-${Date.now()}@center.example`, "admin"));
  await page.getByTestId("register-passkey").click();
  await expect(page.getByTestId("staff-member")).toContainText("(Admin)");
}

async function restoreDefaults(page: Page) {
  const response = await page.request.put(`${SITE}/api/staff/settings`, { headers: { origin: SITE }, data: DEFAULT_SETTINGS });
  expect(response.status()).toBe(200);
}

/** The per-kind table's 👎 for the assistant's replies. */
async function assistantDownVotes(page: Page): Promise<number> {
  const row = page.getByTestId("feedback-by-kind").locator('tr[data-kind="assistant"]');
  await expect(row).toBeVisible();
  return Number(await row.locator("td").nth(1).textContent());
}

test.describe("assistant persona and reply feedback", () => {
  test.beforeAll(() => startSidecar());

  test("an admin names the assistant by keyboard; a new chat greets with it; a 👎 survives a reload and shows per kind", async ({ page, browser }) => {
    await signInAdmin(page);
    try {
      await page.goto(`${SITE}/staff/settings`);
      await expect(page.getByLabel("Assistant's name")).toHaveValue("Assistant");
      expect(await seriousViolations(page)).toEqual([]);

      // A greeting that hides that this is a bot is refused beside its field, and nothing is saved.
      const name = page.getByLabel("Assistant's name");
      const greeting = page.getByLabel("Greeting");
      await tabTo(page, name);
      await retype(page, "Ava");
      await tabTo(page, greeting);
      await retype(page, "Hello! I'm {name}.");
      await tabTo(page, page.getByRole("button", { name: "Save settings" }));
      await page.keyboard.press("Enter");
      await expect(page.getByTestId("persona.greeting-error")).toContainText("automated assistant");
      await expect(greeting).toHaveAttribute("aria-invalid", "true");
      await expect(greeting).toBeFocused();
      await expect(page.getByTestId("settings-status")).toHaveText("");
      expect(await seriousViolations(page)).toEqual([]);

      await retype(page, GREETING);
      await tabTo(page, page.getByRole("button", { name: "Save settings" }));
      await page.keyboard.press("Enter");
      await expect(page.getByTestId("settings-status")).toHaveText("Settings saved.");
      await page.reload();
      await expect(page.getByLabel("Assistant's name")).toHaveValue("Ava");
      await expect(page.getByLabel("Greeting")).toHaveValue(GREETING);

      await page.goto(`${SITE}/staff/analytics`);
      const downBefore = await assistantDownVotes(page);

      // A student's new chat: the welcome line and the first reply use the name and greeting.
      const student = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}` });
      const chat = new ChatPage(await student.newPage());
      await chat.open();
      await expect(chat.page.getByTestId("greeting")).toContainText("Hello! I'm Ava, the center's automated assistant.");
      expect(await seriousViolations(chat.page)).toEqual([]);
      await chat.send("hello");
      const first = chat.assistantMessages().first();
      await expect(first).toContainText("Hello! I'm Ava, the center's automated assistant. I find tutors and book sessions. What subject would you like help with?");
      await expect(first).toContainText("Ava:"); // how a screen reader names the speaker

      // 👎, then a reload: the button is still pressed, because the chat's state carries the vote.
      const notHelped = first.getByRole("button", { name: "This answer did not help" });
      await notHelped.focus();
      await chat.page.keyboard.press("Enter");
      await expect(notHelped).toHaveAttribute("aria-pressed", "true");
      await chat.page.reload();
      const reloaded = chat.assistantMessages().first();
      await expect(reloaded.getByRole("button", { name: "This answer did not help" })).toHaveAttribute("aria-pressed", "true");
      await expect(reloaded.getByRole("button", { name: "This answer helped" })).toHaveAttribute("aria-pressed", "false");
      expect(await seriousViolations(chat.page)).toEqual([]);

      // A second tab of the same chat shows the vote, and follows a change made in the first.
      const other = new ChatPage(await student.newPage());
      await other.open();
      const mirrored = other.assistantMessages().first();
      await expect(mirrored.getByRole("button", { name: "This answer did not help" })).toHaveAttribute("aria-pressed", "true");
      await expect(other.page.getByTestId("chat")).toHaveAttribute("data-live", "open");
      await reloaded.getByRole("button", { name: "This answer helped" }).click();
      await expect(mirrored.getByRole("button", { name: "This answer helped" })).toHaveAttribute("aria-pressed", "true");
      await expect(mirrored.getByRole("button", { name: "This answer did not help" })).toHaveAttribute("aria-pressed", "false");
      await reloaded.getByRole("button", { name: "This answer did not help" }).click();
      await expect(mirrored.getByRole("button", { name: "This answer did not help" })).toHaveAttribute("aria-pressed", "true");
      await student.close();

      // Staff see it in the per-kind table (the count lands a moment after the vote).
      await expect(async () => {
        await page.reload();
        expect(await assistantDownVotes(page)).toBe(downBefore + 1);
      }).toPass({ timeout: 20_000 });
      await expect(page.getByRole("heading", { name: "Feedback per reply kind" })).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await restoreDefaults(page);
    }
  });
});
