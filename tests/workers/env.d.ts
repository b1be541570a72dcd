import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env {
      /** Read from drizzle/migrations by vitest.config.ts, applied before each test file. */
      TEST_MIGRATIONS: D1Migration[];
      /** A D1 without tables (vitest.config.ts): storage that is gone. */
      EMPTY_DB: D1Database;
    }
  }
}
