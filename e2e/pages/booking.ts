import { expect, type Page } from "@playwright/test";

/** The inline booking form and the confirmation view. */
export class BookingForm {
  constructor(readonly page: Page) {}

  get form() {
    return this.page.getByTestId("booking-form");
  }

  get confirmation() {
    return this.page.getByTestId("booking-confirmation");
  }

  async expectStep(step: string) {
    await expect(this.page.locator(`[data-step="${step}"]`)).toBeVisible();
  }

  async fillContact(name: string, email: string) {
    await this.form.getByLabel("Full name").fill(name);
    await this.form.getByLabel("Email").fill(email);
  }

  /** Picks `mode` when the tutor offers it (a tutor who meets one way only shows one choice). */
  async fillDetails(mode: "Online" | "In person", intake: string) {
    const wanted = this.form.getByRole("radio", { name: mode });
    await ((await wanted.count()) > 0 ? wanted : this.form.getByRole("radio").first()).check();
    await this.form.getByLabel("What would you like to work on?").fill(intake);
  }

  async next(name = "Continue") {
    await this.form.getByRole("button", { name, exact: true }).click();
  }
}
