// Loads the seed tutor catalog (lib/tutoring/catalog-data.ts) into the local D1 database.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { importTs } from "./lib/import-ts.mjs";
import { PERSIST_TO } from "./lib/processes.mjs";

const module = await importTs(`
  export { SEED_TUTORS } from "./lib/tutoring/catalog-data.ts";
  export { catalogSeedStatements, renderSeedSql } from "./lib/db/catalog-seed.ts";`);
const sql = module.renderSeedSql(module.catalogSeedStatements(module.SEED_TUTORS));

mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/seed-catalog.sql", sql);
execFileSync(
  "wrangler",
  ["d1", "execute", "DB", "--local", "--persist-to", PERSIST_TO, "-c", "workers/wrangler.toml", "--file", ".wrangler/seed-catalog.sql"],
  { stdio: ["ignore", "ignore", "inherit"] },
);
console.log(`seeded ${module.SEED_TUTORS.length} tutors into the local D1 database`);
