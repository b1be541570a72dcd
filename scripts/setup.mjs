// `npm run setup`: local secrets, D1 migrations and the seed catalog, all in
// the same persistence folder the workers use (PERSIST_TO, default .wrangler/state).
import { execFileSync } from "node:child_process";
import { PERSIST_TO } from "./lib/processes.mjs";

const run = (command, args) => execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });

run("node", ["scripts/setup-dev-vars.mjs"]);
run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST_TO, "-c", "workers/wrangler.toml"]);
run("node", ["scripts/seed-catalog.mjs"]);
