import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

test.describe("My bookings (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("lists bookings from two chats and cancels one; its chat says so", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const bookFrom = async (request: string) => {
      await page.getByTestId("new-chat").click();
      for (const text of [request, "Book this tutor", "yes", "Ada Lovelace, ada@example.com", "Online. Recursion", "Confirm booking"]) await chat.send(text);
      await expect(page.getByTestId("booking-confirmation")).toBeVisible();
      return page.getByTestId("booking-number").getAttribute("data-booking-id");
    };
    const first = await bookFrom("I need help with Python on Monday at 10");
    const second = await bookFrom("I need help with Statistics on Tuesday at 2pm");
    expect(first).not.toBe(second);

    await page.getByRole("link", { name: "My bookings" }).click();
    const rows = page.getByTestId("booking");
    await expect(rows).toHaveCount(2);
    await expect(rows.and(page.locator('[data-status="confirmed"]'))).toHaveCount(2);
    // The newest (Statistics) is listed first; cancel the Python one.
    await rows.nth(1).getByRole("button", { name: /^Cancel the session/ }).click();
    await expect(page.getByRole("status").filter({ hasText: "is cancelled" })).toBeVisible();
    await expect(rows.nth(1)).toHaveAttribute("data-status", "cancelled");
    await expect(rows.nth(0)).toHaveAttribute("data-status", "confirmed");

    const { bookings } = await (await page.request.get("/api/bookings")).json();
    expect(Object.fromEntries(bookings.map((b: { id: string; status: string }) => [b.id, b.status]))).toEqual({ [first!]: "cancelled", [second!]: "confirmed" });
  });
});
