// `npm run setup`: local secrets, D1 migrations and the seed catalog, all in
// the same persistence folder the workers use (PERSIST_TO, default .wrangler/state).
import { execFileSync, spawnSync } from "node:child_process";
import { importTs } from "./lib/import-ts.mjs";
import { PERSIST_TO } from "./lib/processes.mjs";

const run = (command, args) => execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });

run("node", ["scripts/setup-dev-vars.mjs"]);
await applyMigrations();
run("node", ["scripts/seed-catalog.mjs"]);

/**
 * Wrangler prints the migrations table again after each migration it applies (a fresh database:
 * once per migration, and once more); one line says what happened instead. Its own output is
 * shown whole when it fails or prints something the summary does not recognise.
 */
async function applyMigrations() {
  const { migrationSummary } = await importTs('export { migrationSummary } from "./lib/db/migrations-summary.ts";');
  const result = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST_TO, "-c", "workers/wrangler.toml"], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const summary = result.status === 0 ? migrationSummary(result.stdout) : null;
  if (summary) {
    console.log(summary);
    return;
  }
  process.stdout.write(result.stdout ?? "");
  if (result.status !== 0) process.exit(result.status ?? 1);
}
