import { expect, test, type Page } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar, stopSidecar } from "./support/sidecar";

/** Every request a page makes to the site's API, as it happens. */
function watchApi(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) seen.push(`${request.method()} ${url.pathname}`);
  });
  return seen;
}

async function liveSocket(page: Page) {
  await expect(page.getByTestId("chat")).toHaveAttribute("data-live", "open", { timeout: 20_000 });
}

test.describe("live chat over WebSockets (production build)", () => {
  test.beforeAll(() => startSidecar());

  test("a message sent in one tab appears in the other with no request from it", async ({ page, context }) => {
    const first = new ChatPage(page);
    await first.open();
    await first.send("Hello from the first tab");
    await liveSocket(page);

    const secondPage = await context.newPage();
    const second = new ChatPage(secondPage);
    await second.open();
    await expect(second.userMessages().filter({ hasText: "Hello from the first tab" })).toHaveCount(1);
    await liveSocket(secondPage);

    const requests = watchApi(secondPage);
    await first.send("Python on Monday at 10");
    await expect(second.userMessages().filter({ hasText: "Python on Monday at 10" })).toHaveCount(1);
    // The answer and the new match arrive too: messages and fields are pushed.
    await expect(second.assistantMessages()).toHaveCount(await first.assistantMessages().count());
    await expect(secondPage.getByTestId("match")).toBeVisible();
    expect(requests).toEqual([]);
  });

  test("an idle tab with a live socket sends no HTTP requests for an hour", async ({ page }) => {
    // The page's clock is Playwright's: an hour of timers (keep-alive pings, any poll) runs in moments.
    await page.clock.install();
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Just sitting here");
    await liveSocket(page);
    // The first message's own follow-ups (state, chat list) are done once the list shows the chat.
    await expect(page.getByTestId("chat-history").getByTestId("saved-chat").filter({ hasText: "Just sitting here" })).toHaveCount(1);
    const requests = watchApi(page);
    await page.clock.runFor("01:00:00");
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expect(page.getByTestId("chat")).toHaveAttribute("data-live", "open");
    expect(requests).toEqual([]);
  });

  test("reconnects after a sidecar restart and shows every message exactly once", async ({ page, context }) => {
    test.setTimeout(240_000);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Before the restart");
    await liveSocket(page);
    const sessionId = await page.evaluate(() => localStorage.getItem("tutor-chat:session-id"));

    await stopSidecar();
    await expect(page.getByTestId("chat")).not.toHaveAttribute("data-live", "open");

    // The student sends while the chat service is down: the page keeps the message and says it is
    // reconnecting, and the browser re-sends it (same id) until the service is back.
    await chat.input.fill("After the restart");
    await page.getByTestId("send").click();
    await expect(page.getByTestId("reconnecting")).toBeVisible();
    await expect(page.getByTestId("chat").getByRole("alert")).toHaveCount(0);
    await startSidecar();
    await expect(page.getByTestId("reconnecting")).toHaveCount(0, { timeout: 150_000 });
    await expect(page.getByTestId("chat").getByRole("alert")).toHaveCount(0);
    await expect(chat.userMessages().filter({ hasText: "After the restart" })).toHaveCount(1, { timeout: 60_000 });
    await liveSocket(page);
    await expect(chat.userMessages().filter({ hasText: "Before the restart" })).toHaveCount(1);
    const seqs = await chat.log.locator("[data-seq]").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-seq")));
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Stored once, however many attempts reached the chat.
    const stored = await (await context.request.get(`/api/chat/session/${sessionId}/messages?after=0&limit=100`)).json();
    expect(stored.messages.filter((message: { content: string }) => message.content === "After the restart")).toHaveLength(1);
  });
});
