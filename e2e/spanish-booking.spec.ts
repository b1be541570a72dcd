import { expect, test } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

test.describe("the booking form speaks the chat's language (production build + sidecar)", () => {
  test.beforeAll(() => startSidecar());

  test("a student who writes Spanish books in Spanish, then writes English and the form is English again", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    await chat.send("¿Hay tutores de Python el lunes a las 10?");

    const match = page.getByTestId("match");
    await expect(match.getByRole("heading", { name: "Tu tutor" })).toBeVisible();
    const card = match.getByTestId("tutor-card").first();
    await expect(card).toContainText("Suele estar libre:");
    // The assistant's quick replies are its Spanish words, and so is what the card's button sends.
    await expect(page.getByRole("group", { name: "Suggested replies" }).getByRole("button", { name: "Reservar este tutor" })).toBeVisible();
    const tutorName = (await card.getByRole("heading").textContent()) ?? "";
    await card.getByRole("button", { name: `Reservar con ${tutorName}` }).click();
    await expect(chat.userMessages().last()).toHaveText(/Reservar este tutor/);

    await booking.expectStep("confirm_slot");
    await expect(booking.form.getByRole("heading")).toHaveText("¿Reservar esta sesión?");
    await booking.form.getByRole("button", { name: "Sí, continuar" }).click();
    await booking.expectStep("contact");
    await expect(booking.form.getByRole("heading")).toHaveText("Tu nombre y correo");
    await booking.form.getByLabel("Nombre completo").fill("Ana García");
    await booking.form.getByLabel("Correo electrónico").fill(`ana-${test.info().workerIndex}-${Date.now()}@example.com`);
    await booking.next("Continuar");

    await booking.expectStep("details");
    await expect(booking.form.getByRole("heading")).toHaveText("Detalles de la sesión");
    const online = booking.form.getByRole("radio", { name: "En línea" });
    await ((await online.count()) > 0 ? online : booking.form.getByRole("radio").first()).check();
    await booking.form.getByLabel("¿En qué te gustaría trabajar?").fill("Recursión y listas");
    await booking.next("Continuar");

    await booking.expectStep("review");
    await expect(booking.form.getByRole("heading")).toHaveText("Revisa tu reserva");
    await expect(booking.form).toContainText("Para trabajar en");
    await expect(booking.form).toContainText("Ana García");
    await booking.next("Confirmar la reserva");

    await expect(booking.confirmation).toBeVisible();
    await expect(booking.confirmation.getByRole("heading")).toHaveText("¡Reserva hecha!");
    await expect(booking.confirmation).toContainText("Número de reserva:");
    await expect(booking.confirmation.getByRole("button", { name: "Mover a otra hora" })).toBeVisible();
    await expect(booking.confirmation.getByRole("button", { name: "Cancelar la reserva" })).toBeVisible();

    // The student switches back: the assistant answers in English, and the form follows.
    await chat.send("Thanks for the help");
    await expect(booking.confirmation.getByRole("heading")).toHaveText("You're booked!");
    await expect(booking.confirmation).toContainText("Booking number:");
    await expect(booking.confirmation.getByRole("button", { name: "Move to another time" })).toBeVisible();
    await expect(booking.confirmation.getByRole("button", { name: "Cancel booking" })).toBeVisible();
  });
});
