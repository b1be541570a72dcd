import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

test.describe("👍/👎 on assistant replies", () => {
  test.beforeAll(() => startSidecar());

  test("votes on a reply, changes the vote and takes it back, by keyboard too", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("I need help with Python on Monday at 10");

    const reply = chat.assistantMessages().first();
    const helped = reply.getByRole("button", { name: "This answer helped" });
    const notHelped = reply.getByRole("button", { name: "This answer did not help" });
    await expect(helped).toHaveAttribute("aria-pressed", "false");

    await helped.click();
    await expect(helped).toHaveAttribute("aria-pressed", "true");
    await expect(notHelped).toHaveAttribute("aria-pressed", "false");

    // The socket's vote frame can show 👍 pressed before the vote's own answer re-enables the buttons;
    // a disabled button takes no focus, and Enter would then land elsewhere.
    await expect(notHelped).toBeEnabled();
    await notHelped.focus();
    await page.keyboard.press("Enter");
    await expect(notHelped).toHaveAttribute("aria-pressed", "true");
    await expect(helped).toHaveAttribute("aria-pressed", "false");

    await notHelped.click();
    await expect(notHelped).toHaveAttribute("aria-pressed", "false");

    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);
  });

  test("refuses a vote from another browser, on a student's message and with a bad body", async ({ page, browser }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Hello, I need a tutor");
    const sessionId = await page.evaluate(() => localStorage.getItem("tutor-chat:session-id"));
    const replyId = await chat.assistantMessages().first().getAttribute("data-message-id");
    const userId = await chat.userMessages().first().getAttribute("data-message-id");
    const url = (id: string | null) => `/api/chat/session/${sessionId}/messages/${encodeURIComponent(id ?? "")}/feedback`;
    const put = (id: string | null, data: unknown) => page.request.put(url(id), { data, headers: { origin: new URL(page.url()).origin } });

    expect((await put(userId, { vote: "up" })).status()).toBe(404);
    expect((await put(replyId, { vote: "sideways" })).status()).toBe(400);
    const ok = await put(replyId, { vote: "up" });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ messageId: replyId, vote: "up", kind: "assistant" });

    const stranger = await browser.newContext({ baseURL: new URL(page.url()).origin });
    const refused = await stranger.request.put(url(replyId), { data: { vote: "down" }, headers: { origin: new URL(page.url()).origin } });
    expect(refused.status()).toBe(404);
    await stranger.close();
  });
});
