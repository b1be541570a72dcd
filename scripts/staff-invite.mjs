// `npm run staff:invite -- --email a@b.edu --role admin|staff|tutor [--tutor t-001] [--remote] [--base-url http://localhost:3000]`
// A tutor's invite names the tutor (`--tutor`): the member then sees that tutor's schedule and sessions.
// Writes a one-time staff invite (valid 24 h) into D1 and prints its link: how the first admin gets in.
// D1 keeps only the SHA-256 of the token; the link is shown once, here, and never stored.
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { importTs } from "./lib/import-ts.mjs";
import { PERSIST_TO } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    role: { type: "string" },
    tutor: { type: "string" },
    remote: { type: "boolean", default: false },
    "base-url": { type: "string", default: "http://localhost:3000" },
  },
});

// The same rules and helpers as the sidecar (lib/staff/schemas.ts, lib/ids.ts), bundled for Node.
const { NewStaffInvite, STAFF_INVITE_MS, newSecretToken, sha256Hex } = await importTs(`
  export { NewStaffInvite, STAFF_INVITE_MS } from "./lib/staff/schemas.ts";
  export { newSecretToken, sha256Hex } from "./lib/ids.ts";`);

const invite = NewStaffInvite.safeParse({ email: values.email, role: values.role, ...(values.tutor === undefined ? {} : { tutorId: values.tutor }) });
const baseUrl = URL.canParse(values["base-url"]) ? new URL(values["base-url"]) : null;
if (!invite.success || !baseUrl || !/^https?:$/.test(baseUrl.protocol)) {
  console.error("usage: npm run staff:invite -- --email someone@school.edu --role admin|staff|tutor [--tutor t-001 (tutors only)] [--remote] [--base-url https://tutoring.example.edu]");
  for (const issue of invite.error?.issues ?? []) console.error(`  ${issue.path.join(".")}: ${issue.message}`);
  if (!baseUrl) console.error("  base-url: not a URL");
  process.exit(1);
}

const token = newSecretToken();
// On the stack's clock (lib/time.ts): a test stack running at a shifted hour gets an invite valid at that hour.
const now = Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0);
const expiresAt = now + STAFF_INVITE_MS;
// `wrangler d1 execute --command` binds nothing: every value is validated above (an email, a role,
// hex, integers) and quoted as a SQL string literal all the same.
const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
// A tutor's invite is written only if the tutor exists and is not retired (as the console's invite is).
const tutorId = invite.data.tutorId === undefined ? "NULL" : quote(invite.data.tutorId);
const sql = `INSERT INTO staff_invites (token_hash, email, role, tutor_id, created_by, created_at, expires_at)
  SELECT ${quote(await sha256Hex(token))}, ${quote(invite.data.email)}, ${quote(invite.data.role)}, ${tutorId}, NULL, ${now}, ${expiresAt}
  WHERE ${tutorId} IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ${tutorId} AND retired_at IS NULL) RETURNING token_hash`;
const where = values.remote ? ["--remote"] : ["--local", "--persist-to", PERSIST_TO];
let written;
try {
  const output = execFileSync("wrangler", ["d1", "execute", "DB", ...where, "-c", "workers/wrangler.toml", "--json", "--command", sql], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  written = JSON.parse(output).some((statement) => Array.isArray(statement.results) && statement.results.length === 1);
} catch {
  console.error("Could not write the invite (are the D1 migrations applied? `npm run setup` locally, `wrangler d1 migrations apply DB --remote` in production).");
  process.exit(1);
}
if (!written) {
  console.error(`No tutor ${invite.data.tutorId} (or the tutor is retired): nothing was written.`);
  process.exit(1);
}

const link = new URL(`/staff/invite/${token}`, baseUrl);
console.log(`Invite for ${invite.data.email} (${invite.data.role}${invite.data.tutorId ? `, tutor ${invite.data.tutorId}` : ""}), valid until ${new Date(expiresAt).toISOString()}, usable once:`);
console.log(link.href);
