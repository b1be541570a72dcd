import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

/** The reference external bot answers through the HTTP queue API while the built-in assistant is off. */
test.describe("an external bot (BOT_MODE=external)", () => {
  let bot: ChildProcess | undefined;

  test.beforeAll(() => startSidecar({ botMode: "external" }));
  test.afterAll(async () => {
    bot?.kill("SIGTERM");
    await startSidecar({ botMode: "builtin" });
  });

  test("completes a conversation end to end through the queue", async ({ page, baseURL }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.input.fill("Hello, outside bot");
    await page.getByTestId("send").click();
    await expect(chat.userMessages().filter({ hasText: "Hello, outside bot" })).toHaveCount(1);
    await expect(page.getByTestId("chat")).toHaveAttribute("data-live", "open");
    // Nobody has the message yet: the chat says it is waiting, and claims nothing it cannot see.
    await expect(page.getByTestId("awaiting")).toBeVisible();
    await expect(page.getByTestId("thinking")).toHaveCount(0);
    await expect(page.getByTestId("seen")).toHaveCount(0);

    // The fake model thinks for 3 s, so the claim's "typing" is visible before the answer.
    bot = spawn("node", ["scripts/reference-bot.mjs"], { env: { ...process.env, BASE_URL: baseURL, THINK_MS: "3000" }, stdio: "ignore" });
    await expect(page.getByTestId("thinking")).toBeVisible({ timeout: 20_000 });
    await expect(chat.assistantMessages()).toHaveCount(0);
    await expect(chat.assistantMessages().filter({ hasText: 'Reference bot here. You said: "Hello, outside bot"' })).toHaveCount(1, {
      timeout: 20_000,
    });
    await expect(page.getByTestId("thinking")).toHaveCount(0);
    await expect(page.getByTestId("seen")).toBeVisible();

    await chat.send("And a second message");
    await expect(chat.assistantMessages().filter({ hasText: "I can see 1 earlier message" })).toHaveCount(1);
    await page.reload();
    await expect(chat.assistantMessages().filter({ hasText: "Reference bot here" })).toHaveCount(2);
  });

  test("rejects bots without the token", async ({ request }) => {
    const response = await request.post("/api/queue/claim-next", { data: { workerId: "intruder" } });
    expect(response.status()).toBe(401);
    const wrong = await request.get("/api/queue/pending", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status()).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
