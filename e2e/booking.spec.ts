import { expect, test } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { saveScreenshot } from "./support/screenshots";
import { startSidecar } from "./support/sidecar";
import { shownBooking } from "./support/booking";
import { BOOKING_REFERENCE_PATTERN } from "../lib/ids";

test.describe("booking a tutor (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("books Python on Monday at 10 and keeps the form through reloads", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    await chat.send("I need help with Python on Monday at 10");
    const card = page.getByTestId("tutor-card").first();
    await expect(card).toContainText("Python");
    const tutorName = (await card.getByRole("heading").textContent()) ?? "";
    await saveScreenshot(page, "chat-match");

    await card.getByRole("button", { name: `Book ${tutorName}` }).click();
    await booking.expectStep("confirm_slot");
    await booking.form.getByRole("button", { name: "Yes, continue" }).click();
    await booking.expectStep("contact");

    // Typing is saved as a draft: a reload comes back to the same step with the same fields.
    const draftSaved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.status() === 200);
    await booking.fillContact("Ada Lovelace", "ada@example.com");
    await draftSaved;
    await page.reload();
    await booking.expectStep("contact");
    await expect(booking.form.getByLabel("Full name")).toHaveValue("Ada Lovelace");
    await expect(booking.form.getByLabel("Email")).toHaveValue("ada@example.com");
    await saveScreenshot(page, "booking-form");

    await booking.next();
    await booking.expectStep("details");
    await booking.fillDetails("Online", "Recursion and list comprehensions");
    await booking.next();
    await booking.expectStep("review");
    await page.reload();
    await booking.expectStep("review");
    await expect(booking.form).toContainText("Ada Lovelace");
    await expect(booking.form).toContainText("Recursion and list comprehensions");

    await booking.next("Confirm booking");
    await expect(booking.confirmation).toBeVisible();
    const { id: bookingId, reference } = await shownBooking(page);
    expect(bookingId).toMatch(/^bk-/);
    expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);
    await saveScreenshot(page, "booking-confirmation");

    const { bookings } = await (await page.request.get("/api/bookings")).json();
    expect(bookings).toContainEqual(expect.objectContaining({ id: bookingId, reference, tutorName, status: "confirmed", start: "10:00" }));

    await page.reload();
    await expect(booking.confirmation).toContainText(reference);
  });

  test("shows a different tutor for 'show me other tutors' after a reload", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("I need help with Python on Monday at 10");
    const first = await page.getByTestId("tutor-card").first().getAttribute("data-tutor-id");
    await page.reload();
    await expect(page.getByTestId("tutor-card").first()).toHaveAttribute("data-tutor-id", first!);
    await chat.send("show me other tutors");
    await expect(page.getByTestId("tutor-card").first()).not.toHaveAttribute("data-tutor-id", first!);
  });

  test("cancels a booking from the confirmation view", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    await chat.send("Spanish on Tuesday afternoon");
    await page.getByTestId("tutor-card").first().getByRole("button", { name: /^Book / }).click();
    await booking.form.getByRole("button", { name: "Yes, continue" }).click();
    await booking.fillContact("Grace Hopper", "grace@example.com");
    await booking.next();
    await booking.expectStep("details");
    await booking.fillDetails("Online", "Conversation practice");
    await booking.next();
    await booking.next("Confirm booking");
    const { id: bookingId } = await shownBooking(page);
    await booking.confirmation.getByRole("button", { name: "Cancel booking" }).click();
    // Asked first: nothing is cancelled until the student says yes.
    await expect(chat.assistantMessages().last()).toContainText(/Cancel Spanish with .+\? This can't be undone\./);
    expect((await (await page.request.get("/api/bookings")).json()).bookings).toContainEqual(expect.objectContaining({ id: bookingId, status: "confirmed" }));
    await chat.clickQuickReply("Yes");
    await expect(chat.assistantMessages().last()).toContainText("is cancelled");
    const { bookings } = await (await page.request.get("/api/bookings")).json();
    expect(bookings).toContainEqual(expect.objectContaining({ id: bookingId, status: "cancelled" }));
  });

  test("books a session with the keyboard alone", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    const tabTo = async (matches: (el: { tag: string; name: string }) => boolean, what: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return { tag: el?.tagName.toLowerCase() ?? "", name: (el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim() };
        });
        if (matches(focused)) return;
      }
      throw new Error(`could not reach ${what} with Tab`);
    };
    await tabTo((el) => el.tag === "textarea", "the message box");
    await page.keyboard.type("I need help with Chemistry on Wednesday at 2pm");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("tutor-card").first()).toBeVisible();
    await tabTo((el) => el.name.startsWith("Book "), "the Book button");
    await page.keyboard.press("Enter");
    await booking.expectStep("confirm_slot");
    await tabTo((el) => el.name === "Yes, continue", "Yes, continue");
    await page.keyboard.press("Enter");
    await booking.expectStep("contact");
    await tabTo((el) => el.tag === "input", "the name field");
    await page.keyboard.type("Alan Turing");
    await page.keyboard.press("Tab");
    await page.keyboard.type("alan@example.com");
    await page.keyboard.press("Enter");
    await booking.expectStep("details");
    await tabTo((el) => el.tag === "input", "the meeting choice");
    await page.keyboard.press("Space");
    await tabTo((el) => el.tag === "textarea" && el.name === "", "the intake question");
    await page.keyboard.type("Stoichiometry");
    await tabTo((el) => el.name === "Continue", "Continue");
    await page.keyboard.press("Enter");
    await booking.expectStep("review");
    await tabTo((el) => el.name === "Confirm booking", "Confirm booking");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("booking-confirmation")).toBeVisible();
    await expect(page.getByTestId("booking-reference")).toHaveText(BOOKING_REFERENCE_PATTERN);
  });
});
