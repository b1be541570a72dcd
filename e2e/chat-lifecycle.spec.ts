import { createSessionId } from "../lib/ids";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { stackNow } from "./support/clock";

test.describe("chat trash and restore", () => {
  test.beforeAll(() => startSidecar());

  test("deletes a chat into the trash with its purge date and restores it intact", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("Trash me please");
    const sessionId = await page.evaluate(() => localStorage.getItem("tutor-chat:session-id"));
    const history = page.getByTestId("chat-history");
    const saved = history.getByTestId("saved-chat").filter({ hasText: "Trash me please" });
    await expect(saved).toHaveCount(1);

    await saved.getByRole("button", { name: "Delete Trash me please" }).click();
    await expect(history.getByRole("status")).toHaveText("Chat moved to the trash.");
    await expect(chat.userMessages()).toHaveCount(0);
    expect((await page.request.get(`/api/chat/session/${sessionId}`)).status()).toBe(410);

    await history.getByTestId("toggle-trash").click();
    const trashed = history.getByTestId("trashed-chat").filter({ hasText: "Trash me please" });
    const purge = new Date(stackNow() + 30 * 24 * 60 * 60 * 1000);
    const expected = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" }).format(purge);
    await expect(trashed).toContainText(`Deleted for good on ${expected}`);

    await trashed.getByRole("button", { name: "Restore Trash me please" }).click();
    await expect(history.getByRole("status")).toHaveText("Chat restored.");
    await expect(history.getByTestId("trashed-chat")).toHaveCount(0);
    await history.getByTestId("toggle-trash").click();
    await history.getByTestId("saved-chat").filter({ hasText: "Trash me please" }).getByRole("button", { name: /^Open/ }).click();
    await expect(chat.userMessages().filter({ hasText: "Trash me please" })).toHaveCount(1);
  });

  test("answers the chat routes' bad input with 4xx and changes nothing", async ({ request, playwright, baseURL }) => {
    const id = createSessionId();
    expect((await request.post(`/api/chat/session/${id}/messages`, { data: { content: "mine" } })).status()).toBe(201);
    expect((await request.get("/api/chats?deleted=maybe")).status()).toBe(400);
    expect((await request.delete("/api/chats/not-an-id")).status()).toBe(404);
    expect((await request.post(`/api/chats/${id}/restore`)).status()).toBe(404); // not in the trash
    const stranger = await playwright.request.newContext({ baseURL });
    expect((await stranger.delete(`/api/chats/${id}`)).status()).toBe(404);
    await stranger.dispose();
    const { chats } = await (await request.get("/api/chats")).json();
    expect(chats.map((c: { id: string }) => c.id)).toContain(id);
  });
});
