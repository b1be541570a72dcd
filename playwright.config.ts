import { defineConfig, devices } from "@playwright/test";
import { e2eClockOffset } from "./e2e/support/clock";

const WEB_PORT = Number(process.env.WEB_PORT ?? 8787);
const PERSIST_TO = process.env.PERSIST_TO ?? ".wrangler/state";
// Every run at the same hour of the week (e2e/support/clock.ts); set here, inherited by every process.
e2eClockOffset();
/** The specs that kill and restart the shared sidecar (e2e/support/sidecar.ts crashAndRestartSidecar). */
const CRASHES_SIDECAR = /day-ledger\.spec\.ts$/;

/**
 * End-to-end tests against the OpenNext production build on workerd
 * (`npm run build` first; `npm test` does). The web worker is Playwright's
 * webServer; the sidecar is started by global setup and stopped/restarted by
 * the tests that need it gone. Debian's Chromium: Playwright cannot download browsers here.
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".test-results/playwright.json" }]],
  globalSetup: "./e2e/support/global-setup.ts",
  globalTeardown: "./e2e/support/global-teardown.ts",
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-gpu", "--disable-sync"],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined }, testIgnore: CRASHES_SIDECAR },
    // Kills the sidecar every other spec shares (and reads the day's counts as a change): in a
    // project of its own that starts once every other spec has finished.
    { name: "sidecar-crash", use: { ...devices["Desktop Chrome"], channel: undefined }, testMatch: CRASHES_SIDECAR, dependencies: ["chromium"] },
  ],
  webServer: {
    // SITE_ORIGIN: staff passkeys need a host name, not an IP (e2e/support/staff.ts opens the staff pages at localhost).
    command: `wrangler dev -c wrangler.toml --persist-to ${PERSIST_TO} --port ${WEB_PORT} --ip 127.0.0.1 --inspector-port 0 --show-interactive-dev-session=false --var DEV_MAIL:1 --var SITE_ORIGIN:http://localhost:${WEB_PORT}`,
    url: `http://127.0.0.1:${WEB_PORT}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
