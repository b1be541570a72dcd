import type { Page } from "@playwright/test";

/** Saved for reviewers beside the tests (git-ignored): e2e/__screenshots__/NAME.png. */
export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: `e2e/__screenshots__/${name}.png`, fullPage: true });
}
