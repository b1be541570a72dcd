// `npm run staff:invite -- --email a@b.edu --role admin|staff|tutor [--tutor t-001] [--center main] [--remote] [--base-url http://localhost:3000]`
// `--center`: the center the member joins (default the first, "main"); an unknown center is refused. Addresses,
// tutors and open links are that center's: the same address may be a member of two centers, each its own.
// A tutor's invite names the tutor (`--tutor`): the member then sees that tutor's schedule and sessions.
// `--email … --new-passkey`: an existing member's link for a new or lost device (their role stays); an
// existing member's address is refused otherwise (their role changes on /staff/members).
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
    center: { type: "string", default: "main" },
    remote: { type: "boolean", default: false },
    "new-passkey": { type: "boolean", default: false },
    "base-url": { type: "string", default: "http://localhost:3000" },
  },
});

// The same rules and helpers as the sidecar (lib/staff/schemas.ts, lib/ids.ts), bundled for Node.
const { NewStaffInvite, StaffEmail, STAFF_INVITE_MS, CenterId, newSecretToken, sha256Hex } = await importTs(`
  export { NewStaffInvite, StaffEmail, STAFF_INVITE_MS } from "./lib/staff/schemas.ts";
  export { CenterId } from "./lib/center/ids.ts";
  export { newSecretToken, sha256Hex } from "./lib/ids.ts";`);

const newPasskey = values["new-passkey"];
// A new passkey link names only the member's email: their role stays as it is.
const passkeyFor = newPasskey ? StaffEmail.safeParse(values.email) : null;
const invite = passkeyFor
  ? passkeyFor.success
    ? { success: true, data: { email: passkeyFor.data } }
    : passkeyFor
  : NewStaffInvite.safeParse({ email: values.email, role: values.role, ...(values.tutor === undefined ? {} : { tutorId: values.tutor }) });
const baseUrl = URL.canParse(values["base-url"]) ? new URL(values["base-url"]) : null;
const centerId = CenterId.safeParse(values.center);
if (!invite.success || !baseUrl || !/^https?:$/.test(baseUrl.protocol) || !centerId.success) {
  console.error("usage: npm run staff:invite -- --email someone@school.edu --role admin|staff|tutor [--tutor t-001 (tutors only)] [--center main] [--remote] [--base-url https://tutoring.example.edu]");
  console.error("       npm run staff:invite -- --email member@school.edu --new-passkey [--remote] [--base-url …]   (an existing member's new device; role unchanged)");
  for (const issue of invite.error?.issues ?? []) console.error(`  ${issue.path.join(".") || "email"}: ${issue.message}`);
  if (!baseUrl) console.error("  base-url: not a URL");
  if (!centerId.success) console.error(`  center: ${centerId.error.issues[0]?.message ?? "not a center id"}`);
  process.exit(1);
}

const token = newSecretToken();
// On the stack's clock (lib/time.ts): a test stack running at a shifted hour gets an invite valid at that hour.
const now = Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0);
const expiresAt = now + STAFF_INVITE_MS;
// `wrangler d1 execute --command` binds nothing: every value is validated above (an email, a role,
// hex, integers) and quoted as a SQL string literal all the same.
const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
const email = quote(invite.data.email);
const center = quote(centerId.data);
const tokenHash = quote(await sha256Hex(token));
// The same rules as the console's invites (services/db/staff.ts): an address that is a member's already gets
// no invite that creates a member, only a new passkey link; a tutor's invite names a live tutor; the new
// link replaces any still open for the address (revoked in the same run, only when the new one is written).
let guard;
let insert;
if (newPasskey) {
  guard = `EXISTS (SELECT 1 FROM staff_members WHERE center_id = ${center} AND email = ${email} AND disabled_at IS NULL)`;
  insert = `INSERT INTO staff_invites (token_hash, center_id, email, role, tutor_id, member_id, created_by, created_at, expires_at)
  SELECT ${tokenHash}, m.center_id, m.email, m.role, m.tutor_id, m.id, NULL, ${now}, ${expiresAt} FROM staff_members m
  WHERE m.center_id = ${center} AND m.email = ${email} AND m.disabled_at IS NULL RETURNING role`;
} else {
  const tutorId = invite.data.tutorId === undefined ? "NULL" : quote(invite.data.tutorId);
  // A new member needs the center to exist (a passkey link's member already is one's): an unknown one writes nothing.
  guard = `EXISTS (SELECT 1 FROM centers WHERE id = ${center}) AND NOT EXISTS (SELECT 1 FROM staff_members WHERE center_id = ${center} AND email = ${email})
    AND (${tutorId} IS NULL OR EXISTS (SELECT 1 FROM tutors WHERE id = ${tutorId} AND center_id = ${center} AND retired_at IS NULL))`;
  insert = `INSERT INTO staff_invites (token_hash, center_id, email, role, tutor_id, created_by, created_at, expires_at)
  SELECT ${tokenHash}, ${center}, ${email}, ${quote(invite.data.role)}, ${tutorId}, NULL, ${now}, ${expiresAt} WHERE ${guard} RETURNING role`;
}
const sql = `UPDATE staff_invites SET revoked_at = ${now} WHERE center_id = ${center} AND email = ${email} AND used_at IS NULL AND revoked_at IS NULL AND ${guard};
${insert}`;
const where = values.remote ? ["--remote"] : ["--local", "--persist-to", PERSIST_TO];
const d1 = (command) =>
  JSON.parse(execFileSync("wrangler", ["d1", "execute", "DB", ...where, "-c", "workers/wrangler.toml", "--json", "--command", command], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" }));
let role;
try {
  role = d1(sql).flatMap((statement) => statement.results ?? []).find((row) => typeof row.role === "string")?.role;
} catch {
  console.error("Could not write the invite (are the D1 migrations applied? `npm run setup` locally, `wrangler d1 migrations apply DB --remote` in production).");
  process.exit(1);
}
if (!role) {
  if (!d1(`SELECT id FROM centers WHERE id = ${center}`)[0]?.results?.[0]) {
    console.error(`There is no center "${centerId.data}" (npm run center:create makes one). Nothing was written.`);
    process.exit(1);
  }
  const member = d1(`SELECT role, disabled_at AS disabledAt FROM staff_members WHERE center_id = ${center} AND email = ${email}`)[0]?.results?.[0];
  if (newPasskey) console.error(member ? `${invite.data.email} is disabled: an admin enables them on /staff/members first. Nothing was written.` : `${invite.data.email} is not a staff member: invite them with --role. Nothing was written.`);
  else if (member) console.error(`${invite.data.email} is already a staff member (${member.role}): change their role on /staff/members, or add --new-passkey for a new device. Nothing was written.`);
  else console.error(`No tutor ${invite.data.tutorId} (or the tutor is retired): nothing was written.`);
  process.exit(1);
}

const link = new URL(`/staff/invite/${token}`, baseUrl);
const at = centerId.data === "main" ? "" : ` at ${centerId.data}`;
const what = newPasskey ? `New passkey for ${invite.data.email}${at} (${role}, unchanged)` : `Invite for ${invite.data.email}${at} (${role}${invite.data.tutorId ? `, tutor ${invite.data.tutorId}` : ""})`;
console.log(`${what}, valid until ${new Date(expiresAt).toISOString()}, usable once:`);
console.log(link.href);
