import { expect, test } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { startSidecar, stopSidecar } from "./support/sidecar";

test.describe("without the sidecar", () => {
  test.beforeAll(stopSidecar);
  test.afterAll(() => startSidecar());

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

test.describe("booking without the sidecar", () => {
  test.beforeAll(stopSidecar);
  test.afterAll(() => startSidecar());

  test("walks the same booking flow on React state and says nothing was saved", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    await expect(chat.notSavedNotice).toBeVisible();
    await chat.send("I need help with Python on Monday at 10");
    await page.getByTestId("tutor-card").first().getByRole("button", { name: /^Book / }).click();
    await booking.form.getByRole("button", { name: "Yes, continue" }).click();
    await booking.fillContact("Ada Lovelace", "ada@example.com");
    await booking.next();
    await booking.fillDetails("Online", "Recursion");
    await booking.next();
    await booking.expectStep("review");
    await booking.next("Confirm booking");
    await expect(chat.assistantMessages().last()).toContainText("nothing was booked");
    await expect(chat.notSavedNotice).toBeVisible();
  });
});
