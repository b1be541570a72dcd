import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar, stopSidecar } from "./support/sidecar";

test.describe("chat persistence on the production build", () => {
  test.beforeAll(() => startSidecar());

  test("keeps the conversation after a reload and shows it in a second tab", async ({ page, context }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await expect(chat.notSavedNotice).toHaveCount(0);
    await chat.send("Hello, I need a tutor");

    await page.reload();
    await expect(chat.userMessages().filter({ hasText: "Hello, I need a tutor" })).toHaveCount(1);
    await expect(chat.assistantMessages().first()).toBeVisible();

    const second = new ChatPage(await context.newPage());
    await second.open();
    await expect(second.userMessages().filter({ hasText: "Hello, I need a tutor" })).toHaveCount(1);

    // A message from the second tab reaches the first without a reload.
    await second.send("Sent from the second tab");
    await expect(chat.userMessages().filter({ hasText: "Sent from the second tab" })).toHaveCount(1);
  });

  test("keeps the conversation across a restart of the sidecar", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Remember me after a restart");

    await stopSidecar();
    await startSidecar();

    await page.reload();
    await expect(chat.userMessages().filter({ hasText: "Remember me after a restart" })).toHaveCount(1);
    await expect(chat.notSavedNotice).toHaveCount(0);
  });

  test("does not show another browser's session", async ({ page, browser }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Private to this browser");
    const sessionId = await page.evaluate(() => localStorage.getItem("tutor-chat:session-id"));
    expect(sessionId).toMatch(/^session-\d{13}-[0-9a-f]{32}$/);

    const stranger = await browser.newContext();
    const response = await stranger.request.get(`/api/chat/session/${sessionId}`);
    expect(response.status()).toBe(404);
    await stranger.close();
  });
});
