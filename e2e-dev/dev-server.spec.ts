import { expect, test } from "@playwright/test";
import { ChatPage } from "../e2e/pages/chat";
import { startSidecar, stopSidecar } from "../e2e/support/sidecar";

test.describe("npm run dev: next dev with the sidecar", () => {
  test.beforeAll(() => startSidecar());

  test("two tabs update live through next dev's socket rewrite", async ({ page, context }) => {
    const first = new ChatPage(page);
    await first.open();
    await expect(first.notSavedNotice).toHaveCount(0);
    await first.send("Hello from next dev");
    await expect(page.getByTestId("chat")).toHaveAttribute("data-live", "open", { timeout: 30_000 });

    const secondPage = await context.newPage();
    const second = new ChatPage(secondPage);
    await second.open();
    await expect(secondPage.getByTestId("chat")).toHaveAttribute("data-live", "open", { timeout: 30_000 });
    await first.send("Pushed to the other tab");
    await expect(second.userMessages().filter({ hasText: "Pushed to the other tab" })).toHaveCount(1);
  });
});

test.describe("npm run dev:web: next dev alone", () => {
  test.beforeAll(stopSidecar);

  test("keeps the chat in React state and says it is not saved", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await expect(chat.notSavedNotice).toBeVisible();
    await chat.send("Hi without the sidecar");
    await expect(chat.assistantMessages().first()).toContainText(/assistant/i);
    await expect(page.getByTestId("chat")).toHaveAttribute("data-live", "off");
  });
});
