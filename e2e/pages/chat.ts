import { expect, type Page } from "@playwright/test";

/** The chat page as a student uses it. */
export class ChatPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/");
    await expect(this.input).toBeVisible();
    await expect(this.page.getByTestId("chat")).not.toHaveAttribute("data-mode", "checking");
  }

  get input() {
    return this.page.getByTestId("chat-input");
  }

  get log() {
    return this.page.getByTestId("message-log");
  }

  get notSavedNotice() {
    return this.page.getByTestId("not-saved-notice");
  }

  userMessages() {
    return this.page.getByTestId("message-user");
  }

  assistantMessages() {
    return this.page.getByTestId("message-assistant");
  }

  /** Sends a message and waits for the assistant's answer to it. */
  async send(text: string) {
    const answered = await this.assistantMessages().count();
    await this.input.fill(text);
    await this.page.getByTestId("send").click();
    await expect(this.userMessages().filter({ hasText: text }).last()).toBeVisible();
    await expect(this.page.getByTestId("thinking")).toHaveCount(0, { timeout: 20_000 });
    await expect(this.assistantMessages()).not.toHaveCount(answered);
  }

  async clickQuickReply(name: string) {
    await this.page.getByRole("group", { name: "Suggested replies" }).getByRole("button", { name }).last().click();
  }
}
