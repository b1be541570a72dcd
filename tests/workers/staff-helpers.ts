import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { newSecretToken, randomHex, sha256Hex } from "../../lib/ids";
import type { SidecarApi } from "../../lib/sidecar-api";
import { STAFF_INVITE_MS, type StaffRole, type StaffSignedIn } from "../../lib/staff/schemas";
import { insertStaffInvite } from "../../services/db/staff";
import { FIRST_CENTER } from "../../lib/center/ids";
import type { FakeAuthenticator } from "../fakes/authenticator";
import { unwrapOk } from "./helpers";

export const sidecar = exports.default as unknown as SidecarApi;

/** The staff pages' origin, on a subdomain of the rpId (the rpId may be the origin's host or a parent). */
export const SITE = { origin: "https://staff.tutoring.test", rpId: "tutoring.test" };

/** A fresh address so each test's emails never collide with another's. */
export const newEmail = (name = "staff") => `${name}-${randomHex(4)}@Tutoring.test`;

/** An invite as `npm run staff:invite` writes it: the hash in D1, the token to the caller. */
export async function createInvite(
  email: string,
  role: StaffRole,
  timing: { now?: number; expiresAt?: number; tutorId?: string; center?: string } = {},
): Promise<string> {
  const now = timing.now ?? Date.now();
  const expiresAt = timing.expiresAt ?? now + STAFF_INVITE_MS;
  const token = newSecretToken();
  const tutor = timing.tutorId === undefined ? {} : { tutorId: timing.tutorId };
  if (!(await insertStaffInvite(env.DB, { center: timing.center ?? FIRST_CENTER, tokenHash: await sha256Hex(token), email: email.toLowerCase(), role, ...tutor, createdBy: null, now, expiresAt }))) {
    throw new Error(`invite refused: ${email} is a member already, or there is no tutor ${timing.tutorId}`);
  }
  return token;
}

/** invite options → the authenticator's answer → staffRegister. */
export async function register(authenticator: FakeAuthenticator, inviteToken: string): Promise<StaffSignedIn> {
  const { options, challengeId } = unwrapOk(await sidecar.staffInviteOptions(inviteToken, SITE));
  return unwrapOk(await sidecar.staffRegister(inviteToken, challengeId, await authenticator.register(options, { origin: SITE.origin }), SITE));
}

/** A member with one passkey: invited with `role` and registered. */
export async function enrolled(authenticator: FakeAuthenticator, role: StaffRole = "staff", tutorId?: string, center: string = FIRST_CENTER): Promise<StaffSignedIn> {
  return register(authenticator, await createInvite(newEmail(role), role, { center, ...(tutorId === undefined ? {} : { tutorId }) }));
}

/** sign-in options → the authenticator's assertion (as run on `origin`/`rpId`) → staffSignIn. */
export async function signIn(
  authenticator: FakeAuthenticator,
  { origin = SITE.origin, rpId, ip, userVerified }: { origin?: string; rpId?: string; ip?: string; userVerified?: boolean } = {},
) {
  const { options, challengeId } = unwrapOk(await sidecar.staffSignInOptions(SITE));
  return sidecar.staffSignIn(challengeId, await authenticator.signIn(options, { origin, rpId, userVerified }), SITE, ip ? { ip } : undefined);
}

/** Rows in the staff tables: what a refused request must leave as it found it (members' roles and states, live sessions, open invites included). */
export async function staffRows() {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM staff_members) AS members, (SELECT COUNT(*) FROM staff_passkeys) AS passkeys,
            (SELECT COUNT(*) FROM staff_sessions) AS sessions, (SELECT COUNT(*) FROM staff_sessions WHERE revoked_at IS NULL) AS liveSessions,
            (SELECT COUNT(*) FROM staff_invites WHERE used_at IS NULL AND revoked_at IS NULL) AS openInvites,
            (SELECT group_concat(id || ':' || role || ':' || COALESCE(tutor_id, '') || ':' || COALESCE(disabled_at, ''), ',') FROM staff_members) AS memberState,
            (SELECT group_concat(credential_id || ':' || counter || ':' || COALESCE(last_used_at, ''), ',') FROM staff_passkeys) AS passkeyState,
            (SELECT group_concat(id || ':' || COALESCE(display_name, ''), ',') FROM staff_members) AS names`,
  ).first<{ members: number; passkeys: number; sessions: number; liveSessions: number; openInvites: number; memberState: string | null; passkeyState: string | null; names: string | null }>();
  if (!row) throw new Error("COUNT(*) always answers a row");
  return row;
}

/**
 * A D1 binding that sums what D1 reports (`meta.rows_read`, `meta.rows_written`, index entries
 * included) for every statement and batch: the cost of a call, measured rather than assumed.
 */
export function meteredD1(db: D1Database) {
  const counts = { statements: 0, rowsRead: 0, rowsWritten: 0 };
  const real = new WeakMap<object, D1PreparedStatement>();
  const add = (meta: D1Meta) => {
    counts.statements += 1;
    counts.rowsRead += meta.rows_read;
    counts.rowsWritten += meta.rows_written;
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: async () => {
        const result = await statement.all();
        add(result.meta);
        return result.results[0] ?? null;
      },
      all: async () => {
        const result = await statement.all();
        add(result.meta);
        return result;
      },
      run: async () => {
        const result = await statement.run();
        add(result.meta);
        return result;
      },
      // Drizzle's selects read rows as arrays: the same rows, one execution, counted once (distinct column names only).
      raw: async (options?: { columnNames?: boolean }) => {
        const result = await statement.all<Record<string, unknown>>();
        add(result.meta);
        const rows = result.results.map((row) => Object.values(row));
        return options?.columnNames ? [Object.keys(result.results[0] ?? {}), ...rows] : rows;
      },
    };
    real.set(proxy, statement);
    return proxy as unknown as D1PreparedStatement;
  };
  const metered = {
    prepare: (query: string) => wrap(db.prepare(query)),
    batch: async (statements: D1PreparedStatement[]) => {
      const results = await db.batch(statements.map((statement) => real.get(statement)!));
      for (const result of results) add(result.meta);
      return results;
    },
  };
  return { db: metered as unknown as D1Database, counts, reset: () => Object.assign(counts, { statements: 0, rowsRead: 0, rowsWritten: 0 }) };
}
