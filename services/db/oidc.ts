import type { SsoColumns, SsoSettingsInput } from "../../lib/accounts/sso";
import type { StaffRole } from "../../lib/staff/schemas";

/** D1 queries for campus single sign-on (services/oidc.ts): the center's provider settings, and a staff session opened by it. */

/** The provider columns of the one center_settings row (null before the center's defaults exist). */
export async function ssoColumns(db: D1Database): Promise<SsoColumns | null> {
  return db
    .prepare(
      `SELECT oidc_issuer AS issuer, oidc_client_id AS clientId, oidc_allowed_domains AS allowedDomains, oidc_staff_claim AS staffClaim,
              oidc_staff_values AS staffValues, oidc_admin_values AS adminValues, oidc_label AS label
       FROM center_settings WHERE id = 1`,
    )
    .first<SsoColumns>();
}

/** An admin's save of the provider columns (the settings page), one row written; `updated_by` is the admin. */
export async function updateSsoColumns(db: D1Database, { settings, staffId, now }: { settings: SsoSettingsInput; staffId: string; now: number }): Promise<void> {
  await db
    .prepare(
      `UPDATE center_settings SET oidc_issuer = ?1, oidc_client_id = ?2, oidc_allowed_domains = ?3, oidc_staff_claim = ?4,
         oidc_staff_values = ?5, oidc_admin_values = ?6, oidc_label = ?7, updated_at = ?8, updated_by = ?9
       WHERE id = 1`,
    )
    .bind(settings.issuer, settings.clientId, settings.allowedDomains, settings.staffClaim, settings.staffValues, settings.adminValues, settings.label, now, staffId)
    .run();
}

/** "Turn off": the issuer cleared (SSO off at once), the rest kept for turning it on again; one row written. */
export async function clearSsoIssuer(db: D1Database, { staffId, now }: { staffId: string; now: number }): Promise<void> {
  await db.prepare("UPDATE center_settings SET oidc_issuer = NULL, updated_at = ?1, updated_by = ?2 WHERE id = 1").bind(now, staffId).run();
}

/**
 * Opens a staff session for the enabled member with this address, in one statement (the member's
 * own role, as the console set it, applies); null when there is no such member or they are
 * disabled (nothing written). `credential_id` stays null: no passkey opened it.
 */
export async function openStaffSessionByEmail(
  db: D1Database,
  { email, tokenHash, now, expiresAt }: { email: string; tokenHash: string; now: number; expiresAt: number },
): Promise<{ staffId: string; role: StaffRole } | null> {
  return db
    .prepare(
      `INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at, credential_id)
       SELECT ?1, m.id, ?2, ?3, NULL FROM staff_members m WHERE m.email = ?4 AND m.disabled_at IS NULL
       RETURNING staff_id AS staffId, (SELECT role FROM staff_members WHERE id = staff_id) AS role`,
    )
    .bind(tokenHash, now, expiresAt, email)
    .first<{ staffId: string; role: StaffRole }>();
}
