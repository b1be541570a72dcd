import { applyD1Migrations, env } from "cloudflare:test";

// The same migrations `npm run db:migrate` applies to the local database.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
