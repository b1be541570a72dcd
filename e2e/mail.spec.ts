import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { shownBooking } from "./support/booking";
import { confirmAddresses } from "./support/d1";
import { BOOKING_REFERENCE_PATTERN } from "../lib/ids";

test.describe("booking emails (production build + sidecar + local mail sink)", () => {
  test.beforeAll(() => startSidecar());

  test("a booking's confirmation with its calendar invite shows at /dev/mail", async ({ page }) => {
    const email = `ada.${Date.now()}@example.com`;
    confirmAddresses(email);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("I need help with Python on Thursday at 10");
    await chat.send("Book this tutor");
    await chat.send("yes");
    await chat.send(`Ada Lovelace, ${email}`);
    await chat.send("Online. Recursion");
    await chat.send("yes");
    // Said because the email was queued, not before.
    await expect(chat.assistantMessages().last()).toContainText(`A confirmation email with a calendar invite is on its way to ${email}.`);
    const { id: bookingId, reference } = await shownBooking(page);
    expect(bookingId).toMatch(/^bk-/);
    expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);

    // The outbox sends from its alarm: the sink has it moments later.
    const message = page.getByTestId("dev-mail-message").filter({ hasText: email });
    await expect(async () => {
      await page.goto("/dev/mail");
      await expect(message).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(message.getByRole("heading")).toContainText("Booked: Python tutoring with");
    await expect(message).toContainText(`Booking number: ${reference}`);
    const invite = message.getByTestId("dev-mail-attachment");
    await invite.getByText("Attachment: invite.ics").click();
    await expect(invite).toContainText("METHOD:REQUEST");
    await expect(invite).toContainText(`UID:${bookingId}@tutor-chat.bookings`);
    await expect(invite).toContainText("BEGIN:VTIMEZONE");

    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical")).toEqual([]);
  });
});
