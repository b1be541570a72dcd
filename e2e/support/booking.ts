import { expect, type Page } from "@playwright/test";
import type { BookingForm } from "../pages/booking";
import type { ChatPage } from "../pages/chat";

/** The confirmed booking the chat's panel shows: its id (the key, in every API) and its booking number (the short reference). */
export async function shownBooking(page: Page): Promise<{ id: string; reference: string }> {
  const number = page.getByTestId("booking-number");
  const id = await number.getAttribute("data-booking-id");
  const reference = (await number.getByTestId("booking-reference").textContent())?.trim();
  if (!id || !reference) throw new Error("no confirmed booking shown");
  return { id, reference };
}

/** Books Python on Monday at 10 through the chat, as a student types it; returns the booking as My bookings lists it. */
export async function bookInChat(chat: ChatPage, name: string, email: string) {
  await chat.open();
  await chat.send("I need help with Python on Monday at 10");
  await chat.send("Book this tutor");
  await chat.send("yes");
  await chat.send(`${name}, ${email}`);
  await chat.send("Online. Recursion and list comprehensions");
  await chat.send("Confirm booking");
  const { id: bookingId } = await shownBooking(chat.page);
  const { bookings } = (await (await chat.page.request.get("/api/bookings")).json()) as { bookings: { id: string; reference: string; date: string; start: string }[] };
  const booking = bookings.find((entry) => entry.id === bookingId);
  if (!booking) throw new Error(`booking ${bookingId} not in My bookings`);
  return booking;
}

/** A unique name of letters only (the assistant reads digits in a name as something else). */
export function lettersName(first: string, stamp: number): string {
  const last = [...String(stamp).slice(-6)].map((digit) => "abcdefghij"[Number(digit)]).join("");
  return `${first} ${last.charAt(0).toUpperCase()}${last.slice(1)}`;
}

/**
 * Books Python on Monday at 10 with the first tutor card, through the booking form (the long way: every
 * step filled in), from an open chat; returns the tutor's name.
 */
export async function bookByForm(chat: ChatPage, booking: BookingForm, name: string, email: string): Promise<string> {
  await chat.send("I need help with Python on Monday at 10");
  const card = chat.page.getByTestId("tutor-card").first();
  const tutorName = ((await card.getByRole("heading").textContent()) ?? "").trim();
  await card.getByRole("button", { name: `Book ${tutorName}` }).click();
  await booking.expectStep("confirm_slot");
  await booking.form.getByRole("button", { name: "Yes, continue" }).click();
  await booking.expectStep("contact");
  await booking.fillContact(name, email);
  await booking.next();
  await booking.expectStep("details");
  await booking.fillDetails("Online", "Recursion");
  await booking.next();
  await booking.expectStep("review");
  await booking.next("Confirm booking");
  await expect(booking.confirmation).toBeVisible();
  return tutorName;
}
