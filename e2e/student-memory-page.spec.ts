import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { bookByForm, bookInChat, lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";

test.describe("the memory page (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("lists what was learned from a booking; once the email is deleted, the next booking asks for it; axe finds nothing serious", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    // Bookings persist between runs and a student may hold 5 (by owner or email): a fresh address each run.
    const email = `grace-${Date.now()}@example.edu`;
    await chat.open();
    await bookByForm(chat, booking, "Grace Hopper", email);
    // An empty new chat waits for the return from the memory page.
    await booking.confirmation.getByRole("button", { name: "Start a new chat" }).click();
    await expect(chat.userMessages()).toHaveCount(0);

    await page.getByRole("link", { name: "Memory" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "What the assistant remembers" })).toBeVisible();
    // Learning runs after the reply: the page shows the email once it has landed.
    const emailFact = page.locator('[data-fact-id="email"]');
    await expect(async () => {
      await page.reload();
      await expect(emailFact).toContainText(email, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(emailFact).toContainText("from your booking on");

    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);

    await emailFact.getByRole("button", { name: /^Delete your email/ }).click();
    await expect(page.getByRole("status")).toContainText("Deleted: your email.");
    await expect(emailFact).toHaveCount(0);

    // A new chat: the greeting's offer goes to the contact step, which asks for the details again.
    await chat.open();
    await expect(chat.userMessages()).toHaveCount(0);
    await chat.send("hi");
    await expect(chat.assistantMessages().last()).toContainText("Welcome back, Grace!");
    await chat.clickQuickReply("Yes");
    await booking.expectStep("contact");
    await expect(chat.assistantMessages().last()).toContainText("What's your name and email?");
  });

  test("Forget me says what is kept before and after, gives the browser a new owner (the old one is refused) and keeps the upcoming session on My bookings", async ({ page, request }) => {
    const chat = new ChatPage(page);
    const stamp = Date.now();
    const booked = await bookInChat(chat, lettersName("Ada", stamp), `ada-${stamp}@example.edu`);
    const ownerCookie = async () => (await page.context().cookies()).find((cookie) => cookie.name === "tutor_owner")?.value;
    const before = await ownerCookie();
    expect(before).toBeTruthy();

    await page.goto("/memory");
    await page.getByRole("button", { name: "Forget me…" }).click();
    await expect(page.getByTestId("forget-me-kept")).toContainText("Nothing is cancelled");
    await page.getByRole("button", { name: /^Yes, forget me/ }).click();
    const kept = page.getByTestId("forgotten-kept");
    await expect(kept).toContainText("1 upcoming session: still booked, nothing was cancelled.");
    await expect(page.getByTestId("forgotten")).toContainText("This browser has a new identity");

    const after = await ownerCookie();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // The upcoming session is still this browser's, on My bookings.
    const { bookings } = (await (await page.request.get("/api/bookings")).json()) as { bookings: { id: string; status: string }[] };
    expect(bookings).toEqual([expect.objectContaining({ id: booked.id, status: "confirmed" })]);
    // The old cookie is dead: a new chat is refused (410) and the cookie dropped.
    const refused = await request.post(`/api/chat/session/session-${Date.now()}-${"a".repeat(32)}/messages`, {
      headers: { cookie: `tutor_owner=${before}` },
      data: { content: "hi" },
    });
    expect(refused.status()).toBe(410);
    expect(await refused.json()).toMatchObject({ error: { code: "gone" } });
    expect(refused.headers()["set-cookie"] ?? "").toMatch(/tutor_owner=;.*Max-Age=0/);
  });
});
