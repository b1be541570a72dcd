import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";
import { confirmAddresses } from "./support/d1";

/**
 * The "Manage this booking" link in the confirmation email opens the booking on another device (a
 * fresh browser context: no owner cookie) and cancels it there, or moves it to another of its
 * tutor's times, asked once more first; the browser that booked sees it. On the stack's fixed
 * clock (e2e/support/clock.ts: a Wednesday, 10:00). A link we did not sign is refused. Production build + sidecar + mail sink.
 */
test.describe("the manage link in every email", () => {
  test.beforeAll(() => startSidecar());

  test("opens the booking in a fresh browser and cancels it there", async ({ page, browser }) => {
    const stamp = Date.now();
    const email = `manage.${stamp}@example.com`;
    confirmAddresses(email);
    const chat = new ChatPage(page);
    const booking = await bookInChat(chat, lettersName("Ada", stamp), email);

    const toStudent = page.getByTestId("dev-mail-message").filter({ hasText: `To ${email}` }).filter({ hasText: "Booked:" });
    await expect(async () => {
      await page.goto("/dev/mail");
      await expect(toStudent).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(toStudent).toContainText("This link lets anyone who has it manage this booking — don't forward it.");
    const text = (await toStudent.textContent()) ?? "";
    const link = /on any device: (http\S+?\/booking\/[\w.%-]+)/.exec(text)?.[1];
    expect(link, text).toBeTruthy();

    const elsewhere = await browser.newContext();
    try {
      const phone = await elsewhere.newPage();
      await phone.goto(link!);
      await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Your booking");
      await expect(phone.getByTestId("managed-number")).toHaveText(booking.reference);
      await expect(phone.getByTestId("managed-status")).toHaveText("Confirmed");
      await phone.getByTestId("managed-cancel").click();
      await expect(phone.getByText("Cancel this session? The time goes back to other students")).toBeVisible();
      await phone.getByTestId("managed-cancel-confirm").click();
      await expect(phone.getByTestId("managed-message")).toContainText("is cancelled.");
      await expect(phone.getByTestId("managed-message")).toContainText("A cancellation email is on its way.");
      await expect(phone.getByTestId("managed-status")).toHaveText("Cancelled");
      await expect(phone.getByTestId("managed-cancel")).toHaveCount(0);
    } finally {
      await elsewhere.close();
    }

    // The browser that booked sees it cancelled on My bookings.
    const { bookings } = (await (await page.request.get("/api/bookings")).json()) as { bookings: { id: string; status: string }[] };
    expect(bookings.find((entry) => entry.id === booking.id)?.status).toBe("cancelled");
  });

  test("moves the booking to another of its tutor's times from the link; the chat that booked it says so live, and a new link comes by email", async ({ page, browser }) => {
    const stamp = Date.now();
    const email = `move.${stamp}@example.com`;
    confirmAddresses(email);
    const chat = new ChatPage(page);
    const booking = await bookInChat(chat, lettersName("Lin", stamp), email);
    // The mail sink read in a context of its own, so the chat stays open to hear the move live.
    const linkIn = async (subject: string) => {
      const sink = await browser.newContext();
      try {
        const reader = await sink.newPage();
        let text = "";
        await expect(async () => {
          await reader.goto("/dev/mail");
          const found = reader.getByTestId("dev-mail-message").filter({ hasText: `To ${email}` }).filter({ hasText: subject });
          await expect(found).toHaveCount(1, { timeout: 1_000 });
          text = (await found.textContent()) ?? "";
        }).toPass({ timeout: 20_000 });
        const link = /on any device: (http\S+?\/booking\/[\w.%-]+)/.exec(text)?.[1];
        expect(link, text).toBeTruthy();
        return link!;
      } finally {
        await sink.close();
      }
    };
    const link = await linkIn("Booked:");

    const elsewhere = await browser.newContext();
    try {
      const phone = await elsewhere.newPage();
      await phone.goto(link);
      await expect(phone.getByTestId("managed-status")).toHaveText("Confirmed");
      await expect(phone.getByRole("link", { name: "Sign in to see all your bookings" })).toHaveAttribute("href", "/account");
      const before = (await phone.getByTestId("managed-when").textContent()) ?? "";
      const option = phone.getByTestId("managed-move-option").first();
      const label = ((await option.locator("xpath=..").textContent()) ?? "").trim();
      expect(label).not.toBe(before);
      await option.check();
      await phone.getByTestId("managed-move-start").click();
      await expect(phone.getByText(`Move your session from ${before} to ${label}?`)).toBeVisible();
      // Nothing is said to have happened before it has.
      await expect(phone.getByTestId("managed-message")).toHaveText("");
      await phone.getByTestId("managed-move-confirm").click();
      await expect(phone.getByTestId("managed-message")).toContainText(`is moved to ${label}.`);
      await expect(phone.getByTestId("managed-message")).toContainText("An update email with the new time and a new link is on its way.");
      await expect(phone.getByTestId("managed-when")).toHaveText(label);

      // The update email carries a new link, which opens the same booking at its new time.
      const fresh = await linkIn("Moved:");
      expect(fresh).not.toBe(link);
      await phone.goto(fresh);
      await expect(phone.getByTestId("managed-when")).toHaveText(label);
      await expect(phone.getByTestId("managed-number")).toHaveText(booking.reference);
    } finally {
      await elsewhere.close();
    }

    // The chat it was booked in said so, live.
    await expect(chat.assistantMessages().last()).toContainText("from the link in your email.");
    const { bookings } = (await (await page.request.get("/api/bookings")).json()) as { bookings: { id: string; status: string; date: string; start: string }[] };
    const moved = bookings.find((entry) => entry.id === booking.id);
    expect(moved?.status).toBe("confirmed");
    expect(`${moved?.date} ${moved?.start}`).not.toBe(`${booking.date} ${booking.start}`);
  });

  test("a link the center did not sign is refused and changes nothing", async ({ page, request }) => {
    const forged = "eyJ2IjoxLCJiIjoiYmstMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJlIjo5OTk5OTk5OTk5OTk5fQ.AAAA";
    const view = await request.get(`/api/booking-link/${forged}`);
    expect(view.status()).toBe(403);
    expect(await view.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await request.post(`/api/booking-link/${forged}/cancel`)).status()).toBe(403);
    expect((await request.get(`/api/booking-link/${forged}/move`)).status()).toBe(403);
    await page.goto(`/booking/${forged}`);
    await expect(page.getByTestId("booking-link-error")).toContainText("This link is not valid.");
  });
});
