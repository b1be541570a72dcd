import { capitalize, weekdayOf } from "../lib/calendar";
import { expect, test } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { bookByForm } from "./support/booking";
import { startSidecar } from "./support/sidecar";

test.describe("a returning student (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("books once, then books the same tutor again from the greeting in two messages (yes, confirm)", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    // Bookings persist between runs and a student may hold 5 (by owner or email): a fresh address each run.
    const email = `ada-${Date.now()}@example.edu`;
    await chat.open();

    // The first booking, the long way.
    const tutorName = await bookByForm(chat, booking, "Ada Lovelace", email);
    // The day and hour booked (Monday 10:00 unless earlier bookings in this run took every Python
    // tutor's Monday morning, and the nearest other slot was offered): the offer repeats them.
    const { bookings } = await (await page.request.get("/api/bookings")).json();
    const start: string = bookings[0].start;
    const day = capitalize(weekdayOf(bookings[0].date as string));

    // A new chat: greeted by name, with the same tutor at the same weekly hour.
    await booking.confirmation.getByRole("button", { name: "Start a new chat" }).click();
    await expect(chat.userMessages()).toHaveCount(0);
    await chat.send("hi");
    const greeting = chat.assistantMessages().last();
    await expect(greeting).toContainText("Welcome back, Ada!");
    await expect(greeting).toContainText(`Python with ${tutorName} again, ${day}`);
    await expect(greeting).toContainText(`at ${start}`);

    // A repeat in two messages: "Yes" shows the review with the known name, email and mode and the
    // topic carried over, for the student to check; "Confirm booking" books it.
    await chat.clickQuickReply("Yes");
    await booking.expectStep("review");
    await expect(chat.assistantMessages().last()).toContainText("the same as last time");
    await expect(booking.form).toContainText(email);
    await expect(booking.form).toContainText("Ada Lovelace");
    await booking.next("Confirm booking");
    await expect(booking.confirmation).toBeVisible();
    await expect(booking.confirmation).toContainText(tutorName);
    await expect(booking.confirmation).toContainText(day);
  });
});
