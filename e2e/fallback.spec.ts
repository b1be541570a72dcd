import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat";
import { startSidecar, stopSidecar } from "./support/sidecar";

test.describe("without the sidecar", () => {
  test.beforeAll(stopSidecar);
  test.afterAll(startSidecar);

  test("answers 503 persistence_unavailable on the session routes", async ({ request }) => {
    const response = await request.get(`/api/chat/session/session-1700000000000-${"a".repeat(32)}`);
    expect(response.status()).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "persistence_unavailable" } });
  });

  test("works on React state and says the chat is not saved", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await expect(chat.notSavedNotice).toBeVisible();
    await chat.send("Hi there");
    await expect(chat.assistantMessages().first()).toContainText(/assistant/i);

    await page.reload();
    await expect(chat.notSavedNotice).toBeVisible();
    await expect(chat.userMessages()).toHaveCount(0);
  });
});
