import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "./support/test";
import { BookingForm } from "./pages/booking";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

/** WCAG 2.1 A and AA (ADA Title II): no serious or critical violations. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(" ")) }));
}

test.describe("accessibility (axe, WCAG 2.1 AA)", () => {
  test.beforeAll(() => startSidecar());

  test("the chat, the booking form and the confirmation have no serious violations", async ({ page }) => {
    const chat = new ChatPage(page);
    const booking = new BookingForm(page);
    await chat.open();
    expect(await seriousViolations(page)).toEqual([]);

    await chat.send("I need help with Statistics on Thursday morning");
    await expect(page.getByTestId("tutor-card").first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId("tutor-card").first().getByRole("button", { name: /^Book / }).click();
    await booking.form.getByRole("button", { name: "Yes, continue" }).click();
    await booking.expectStep("contact");
    expect(await seriousViolations(page)).toEqual([]);

    await booking.fillContact("Mary Jackson", "mary@example.com");
    await booking.next();
    await booking.expectStep("details");
    await booking.fillDetails("Online", "Hypothesis testing");
    await booking.next();
    await booking.expectStep("review");
    expect(await seriousViolations(page)).toEqual([]);

    await booking.next("Confirm booking");
    await expect(booking.confirmation).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("the tutor directory has no serious violations and searches by subject", async ({ page }) => {
    await page.goto("/tutors");
    await expect(page.getByTestId("directory-tutor").first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Search by subject").fill("calc");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByTestId("tutor-count")).toContainText("calc");
    const subjects = await page.getByTestId("directory-tutor").allTextContents();
    expect(subjects.length).toBeGreaterThan(0);
    for (const text of subjects) expect(text).toMatch(/Calculus/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test.describe("at phone width", () => {
    test.use({ viewport: { width: 360, height: 740 } });

    test("the header and its bell stay on their dark background, with no serious violations", async ({ page }) => {
      // An owner first, so the bell (drawn only for a browser that has one) is in the header.
      expect((await page.request.get("/api/health")).ok()).toBe(true);
      for (const path of ["/", "/tutors", "/notifications"]) {
        await page.goto(path);
        const bell = page.getByTestId("notification-bell");
        await expect(bell).toBeVisible();
        // White on the page's light background, where the header overflowed: axe's color-contrast.
        expect(await seriousViolations(page)).toEqual([]);
        const header = (await page.locator(".site-header").boundingBox())!;
        const box = (await bell.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(360);
        expect(box.y + box.height).toBeLessThanOrEqual(header.y + header.height);
      }
    });
  });

  test("the message list is a live region", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("log", { name: "Conversation" })).toHaveAttribute("aria-live", "polite");
  });
});
