import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import base from "./playwright.config";

/**
 * The same browser against `next dev` (what `npm run dev` and `npm run dev:web` serve): the socket
 * through next dev's rewrite to the sidecar, and the React-state fallback without it. Its own ports
 * and dev registry, so it never binds to another stack on the machine.
 */
const DEV_PORT = Number(process.env.DEV_PORT ?? 3010);
process.env.SIDECAR_PORT ??= "8798";
process.env.SITE_URL ??= `http://localhost:${DEV_PORT}`;
process.env.WRANGLER_REGISTRY_PATH ??= path.resolve(".wrangler/e2e-dev-registry");

export default defineConfig({
  ...base,
  testDir: "e2e-dev",
  timeout: 120_000,
  reporter: [["list"], ["json", { outputFile: ".test-results/playwright-dev.json" }]],
  outputDir: "test-results-dev",
  use: { ...base.use, baseURL: `http://localhost:${DEV_PORT}` },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `next dev --port ${DEV_PORT}`,
    url: `http://localhost:${DEV_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
