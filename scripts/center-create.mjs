// `npm run center:create -- --id math --name "Math Lab" --host math.localhost --admin-email admin@math.edu [--remote] [--base-url <the staff site, SITE_ORIGIN>]`
// Adds a center to this deployment (docs/centers.md): its row with the host it answers at, its settings
// (the first center's booking rules, the neutral persona, its name), the default opening hours, and a
// one-time admin invite. Prints the invite link and the center's bot token ONCE: D1 keeps only their
// SHA-256. Refuses an id or host that is taken. Local D1 by default, `--remote` for the deployed one.
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { importTs } from "./lib/import-ts.mjs";
import { PERSIST_TO } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: {
    id: { type: "string" },
    name: { type: "string" },
    host: { type: "string" },
    "admin-email": { type: "string" },
    remote: { type: "boolean", default: false },
    "base-url": { type: "string" },
  },
});

// The same rules and helpers as the workers (lib/center/create.ts, lib/ids.ts), bundled for Node.
const { NewCenter, centerCreateSql, centerTakenSql, STAFF_INVITE_MS, newSecretToken, sha256Hex } = await importTs(`
  export { NewCenter, centerCreateSql, centerTakenSql } from "./lib/center/create.ts";
  export { STAFF_INVITE_MS } from "./lib/staff/schemas.ts";
  export { newSecretToken, sha256Hex } from "./lib/ids.ts";`);

const parsed = NewCenter.safeParse({ id: values.id, name: values.name, host: values.host, adminEmail: values["admin-email"] });
if (!parsed.success) {
  console.error('usage: npm run center:create -- --id math --name "Math Lab" --host math.example.edu --admin-email admin@example.edu [--remote] [--base-url https://math.example.edu]');
  for (const issue of parsed.error.issues) console.error(`  ${issue.path.join(".")}: ${issue.message}`);
  process.exit(1);
}
const center = parsed.data;
// The invite opens on the staff site, the deployment's SITE_ORIGIN, where passkeys are bound (lib/server/staff.ts):
// staff of every center sign in there, and their member row's center decides what they see.
const base = values["base-url"] ?? "http://localhost:3000";
if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
  console.error("  base-url: not an http(s) URL");
  process.exit(1);
}

const where = values.remote ? ["--remote"] : ["--local", "--persist-to", PERSIST_TO];
const d1 = (command) =>
  JSON.parse(execFileSync("wrangler", ["d1", "execute", "DB", ...where, "-c", "workers/wrangler.toml", "--json", "--command", command], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" }));

let taken;
try {
  taken = d1(centerTakenSql(center))[0]?.results ?? [];
} catch {
  console.error("Could not read the centers (are the D1 migrations applied? `npm run setup` locally, `wrangler d1 migrations apply DB --remote` in production).");
  process.exit(1);
}
if (taken.length > 0) {
  for (const row of taken) console.error(row.id === center.id ? `A center with the id "${center.id}" exists already.` : `The host ${center.host} is already the center "${row.id}"'s.`);
  console.error("Nothing was written.");
  process.exit(1);
}

const botToken = newSecretToken();
const inviteToken = newSecretToken();
// On the stack's clock (lib/time.ts): a test stack running at a shifted hour gets an invite valid at that hour.
const now = Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0);
const inviteExpiresAt = now + STAFF_INVITE_MS;
try {
  d1(centerCreateSql({ center, botTokenHash: await sha256Hex(botToken), inviteTokenHash: await sha256Hex(inviteToken), now, inviteExpiresAt }));
} catch {
  console.error("Could not create the center (taken meanwhile, or D1 out of reach). Check with `wrangler d1 execute DB … --command \"SELECT * FROM centers\"`.");
  process.exit(1);
}

console.log(`Center "${center.name}" (${center.id}) created at ${center.host}.`);
console.log(`Admin invite for ${center.adminEmail}, valid until ${new Date(inviteExpiresAt).toISOString()}, usable once:`);
console.log(new URL(`/staff/invite/${inviteToken}`, base).href);
console.log("Bot token for this center's queue (shown once; Authorization: Bearer <token>):");
console.log(botToken);
