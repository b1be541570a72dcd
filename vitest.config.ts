import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` runs pure logic on Node; `workers` runs the Durable
 * Objects and the sidecar inside workerd with real SQLite and a real local D1.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "lib/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./workers/wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "drizzle/migrations")),
                INTERNAL_KEY: "test-internal-key",
                BOT_TOKEN: "test-bot-token",
                // Email on, pointed at a port nothing listens on: only tests that install the FAKE mail API
                // (tests/fakes/mail-api.ts) as the global fetch see a message delivered.
                MAIL_API_URL: "http://127.0.0.1:9",
                MAIL_API_TOKEN: "test-mail-token",
                // Where the "stop these emails" link in every email points (the web worker; not served in these tests).
                SITE_URL: "https://tutoring.example",
                // The test OpenID provider's client secret (tests/support/oidc-provider.mjs); SSO stays off until a test sets the center's issuer.
                OIDC_CLIENT_SECRET: "test-oidc-client-secret",
              },
              // A real D1 that no migration ever touched: the sidecar with its storage gone.
              d1Databases: { EMPTY_DB: "empty-db" },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["tests/workers/**/*.test.ts"],
          setupFiles: ["./tests/workers/apply-migrations.ts"],
          // A real OpenID provider in Node for the campus sign-on tests (inject("oidcIssuer")).
          globalSetup: ["./tests/support/oidc-provider.mjs"],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
