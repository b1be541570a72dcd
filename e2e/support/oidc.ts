import { spawnSync } from "node:child_process";
import { SSO_CALLBACK_PATH } from "../../lib/accounts/sso";
import { z } from "../../lib/zod";
import { startOidcProvider, TEST_ACCOUNTS, TEST_CLIENT } from "../../tests/support/oidc-provider.mjs";
import { e2eClockOffset } from "./clock";
import { SITE_URL } from "./sidecar";

/**
 * Campus sign-in for a spec: the REAL test OpenID provider (tests/support/oidc-provider.mjs) in the
 * spec's own process, its client allowed back to this stack's site, and the center's provider
 * columns pointed at it in the stack's local D1 (as e2e/support/d1.ts writes there). The e2e sidecar
 * carries the test client's secret (e2e/support/sidecar.ts), so setting the columns turns SSO on and
 * clearing them turns it off again: every other spec sees no campus button.
 */

/**
 * The one staff member the provider's `staff` account (groups: tutoring-staff) signs in as: enabled
 * while the spec runs, disabled after (members are never deleted; disabling ends their sessions).
 */
const SSO_STAFF_ID = "staff-e2e-campus-sign-in";

/** What `wrangler d1 execute --json` prints: one entry per statement. */
const D1Answer = z.array(z.object({ results: z.array(z.record(z.string(), z.unknown())).optional() }));

function d1(sql: string): Record<string, unknown>[] {
  const run = spawnSync(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state", "-c", "workers/wrangler.toml", "--json", "--command", sql],
    { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`wrangler d1 execute failed (${run.status ?? run.signal}): ${run.stdout}${run.stderr}`);
  return D1Answer.parse(JSON.parse(run.stdout)).flatMap((statement) => statement.results ?? []);
}

/** The test accounts a spec can type at the provider's sign-in page, and the address each signs in with. */
export const CAMPUS_ACCOUNTS = TEST_ACCOUNTS;

/**
 * Starts the provider and turns campus sign-in on for the center (students of campus.test; the
 * `groups` claim's `tutoring-staff` means staff), with an enabled staff member for the provider's
 * staff account. Resolves with the provider's issuer and `stop`, which undoes all of it and stops the provider.
 */
export async function useCampusSignIn(): Promise<{ issuer: string; stop: () => Promise<void> }> {
  // The stack runs on a shifted clock (e2e/support/clock.ts): the provider's ID tokens follow it.
  const provider = await startOidcProvider({ redirectUris: [new URL(SSO_CALLBACK_PATH, SITE_URL).href], clockOffsetMs: Number(e2eClockOffset()) });
  try {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(provider.issuer)) throw new Error(`unexpected issuer ${provider.issuer}`);
    const staffEmail = TEST_ACCOUNTS.staff!.email;
    const set = d1(
      `UPDATE center_settings SET oidc_issuer = '${provider.issuer}', oidc_client_id = '${TEST_CLIENT.client_id}', oidc_allowed_domains = 'campus.test',
         oidc_staff_claim = 'groups', oidc_staff_values = 'tutoring-staff', oidc_admin_values = 'tutoring-admins', oidc_label = 'Sign in with Campus ID'
       WHERE id = 1 RETURNING id`,
    );
    if (set.length !== 1) throw new Error("the center's settings row is missing: run npm run setup");
    d1(
      `INSERT INTO staff_members (id, email, role, created_at) VALUES ('${SSO_STAFF_ID}', '${staffEmail}', 'staff', 0)
       ON CONFLICT (id) DO UPDATE SET disabled_at = NULL`,
    );
  } catch (error) {
    await provider.stop();
    throw error;
  }
  const stop = async () => {
    try {
      d1(
        `UPDATE center_settings SET oidc_issuer = NULL, oidc_client_id = NULL, oidc_allowed_domains = '', oidc_staff_claim = NULL,
           oidc_staff_values = '', oidc_admin_values = '', oidc_label = NULL WHERE id = 1;
         UPDATE staff_members SET disabled_at = 1 WHERE id = '${SSO_STAFF_ID}'`,
      );
    } finally {
      await provider.stop();
    }
  };
  return { issuer: provider.issuer, stop };
}
