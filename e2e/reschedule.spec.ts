import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { startSidecar } from "./support/sidecar";
import { confirmAddresses } from "./support/d1";

test.describe("moving a booking (production build + sidecar + local mail sink)", () => {
  test.beforeAll(() => startSidecar());

  test("book in chat, move it to another day, see the chat say moved, the bell count it live, and the update email with the new time and SEQUENCE:1", async ({ page }) => {
    // The owner first, so the page's bell (the in-app notifications) opens its socket as the chat loads.
    expect((await page.request.get("/api/health")).ok()).toBe(true);
    const bell = (unread: number) => page.getByRole("link", { name: `Notifications ${unread} unread`, exact: true });
    const stamp = Date.now();
    const email = `grace.${stamp}@example.com`;
    confirmAddresses(email);
    const chat = new ChatPage(page);
    const booking = await bookInChat(chat, lettersName("Grace", stamp), email);
    const card = page.getByTestId("booking-confirmation");

    // The card's Move button, by keyboard, asks the assistant for free times (nothing moves yet).
    const answered = await chat.assistantMessages().count();
    await card.getByRole("button", { name: "Move to another time" }).focus();
    await page.keyboard.press("Enter");
    await expect(chat.assistantMessages()).not.toHaveCount(answered);
    await expect(chat.assistantMessages().last()).toContainText("Move your session from");

    await chat.send("can I move it to Wednesday?");
    const offer = (await chat.assistantMessages().last().textContent()) ?? "";
    // "Maya Chen is free on Wednesday, Dec 2 at 14:00–15:00." (the same tutor, or another who also teaches Python)
    const offered = /is free on (\w+, \w+ \d+) at (\d\d:\d\d)–(\d\d:\d\d)\./.exec(offer);
    expect(offered, offer).not.toBeNull();
    const [day, start, end] = offered!.slice(1) as [string, string, string];

    const yes = page.getByRole("group", { name: "Suggested replies" }).last().getByRole("button", { name: "Yes" });
    await yes.focus();
    await page.keyboard.press("Enter");
    await expect(chat.assistantMessages().last()).toContainText(`Done: your session is moved to ${day} at ${start}–${end}`);
    await expect(chat.assistantMessages().last()).toContainText(`Your booking number stays ${booking.reference}.`);
    // Said because the update was queued, not before.
    await expect(chat.assistantMessages().last()).toContainText(`An update email with the new time and calendar invite is on its way to ${email}.`);
    await expect(card.getByTestId("moved-from")).toBeVisible();
    await expect(card.getByTestId("booking-number")).toHaveAttribute("data-booking-id", booking.id);
    await expect(card.getByTestId("booking-reference")).toHaveText(booking.reference);
    // The bell: the booking, then the move, pushed live without a reload.
    await expect(bell(2)).toBeVisible();

    // My bookings lists the same booking (same id) at the new time, and only it.
    const { bookings } = (await (await page.request.get("/api/bookings")).json()) as { bookings: { id: string; date: string; start: string; status: string }[] };
    expect(bookings.filter((entry) => entry.status === "confirmed")).toEqual([expect.objectContaining({ id: booking.id, start })]);
    const movedTo = bookings.find((entry) => entry.id === booking.id)!;

    const message = page.getByTestId("dev-mail-message").filter({ hasText: email }).filter({ hasText: "Moved:" });
    await expect(async () => {
      await page.goto("/dev/mail");
      await expect(message).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(message.getByRole("heading")).toContainText(`now ${day} at ${start}–${end}`);
    const invite = message.getByTestId("dev-mail-attachment");
    await invite.getByText("Attachment: invite.ics").click();
    await expect(invite).toContainText("METHOD:REQUEST");
    await expect(invite).toContainText("SEQUENCE:1");
    await expect(invite).toContainText(`UID:${booking.id}@tutor-chat.bookings`);
    await expect(invite).toContainText(new RegExp(`DTSTART;TZID=[^:]+:${movedTo.date.replaceAll("-", "")}T${start.replace(":", "")}00`));

    // The in-app notification of the move, with where it moved from; opening the list reads it.
    await page.goto("/notifications");
    const moved = page.getByTestId("notification").filter({ hasText: "Session moved" });
    await expect(moved).toContainText(`at ${start} is booked (moved from`);
    await expect(moved).toContainText(`at ${booking.start})`);
    await expect(bell(0)).toBeVisible();

    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);
  });
});
