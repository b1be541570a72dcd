import type { SsoColumns, SsoSettingsInput } from "../../lib/accounts/sso";
import type { StaffRole } from "../../lib/staff/schemas";

/** D1 queries for campus single sign-on (services/oidc.ts): the center's provider settings, and a staff session opened by it. */

/** The provider columns of the center's center_settings row (null for a center without one: unknown, or before its defaults exist). */
export async function ssoColumns(db: D1Database, { center }: { center: string }): Promise<SsoColumns | null> {
  return db
    .prepare(
      `SELECT oidc_issuer AS issuer, oidc_client_id AS clientId, oidc_allowed_domains AS allowedDomains, oidc_staff_claim AS staffClaim,
              oidc_staff_values AS staffValues, oidc_admin_values AS adminValues, oidc_label AS label
       FROM center_settings WHERE center_id = ?`,
    )
    .bind(center)
    .first<SsoColumns>();
}

/** An admin's save of their center's provider columns (the settings page), one row written; `updated_by` is the admin. */
export async function updateSsoColumns(
  db: D1Database,
  { center, settings, staffId, now }: { center: string; settings: SsoSettingsInput; staffId: string; now: number },
): Promise<void> {
  await db
    .prepare(
      `UPDATE center_settings SET oidc_issuer = ?1, oidc_client_id = ?2, oidc_allowed_domains = ?3, oidc_staff_claim = ?4,
         oidc_staff_values = ?5, oidc_admin_values = ?6, oidc_label = ?7, updated_at = ?8, updated_by = ?9
       WHERE center_id = ?10`,
    )
    .bind(settings.issuer, settings.clientId, settings.allowedDomains, settings.staffClaim, settings.staffValues, settings.adminValues, settings.label, now, staffId, center)
    .run();
}

/** "Turn off": the issuer cleared (SSO off at once), the rest kept for turning it on again; one row written. */
export async function clearSsoIssuer(db: D1Database, { center, staffId, now }: { center: string; staffId: string; now: number }): Promise<void> {
  await db.prepare("UPDATE center_settings SET oidc_issuer = NULL, updated_at = ?1, updated_by = ?2 WHERE center_id = ?3").bind(now, staffId, center).run();
}

/**
 * Opens a staff session for the enabled member of the center with this address (unique index), in one statement (the member's
 * own role, as the console set it, applies); null when there is no such member or they are
 * disabled (nothing written). `credential_id` stays null: no passkey opened it.
 */
export async function openStaffSessionByEmail(
  db: D1Database,
  { center, email, tokenHash, now, expiresAt }: { center: string; email: string; tokenHash: string; now: number; expiresAt: number },
): Promise<{ staffId: string; role: StaffRole } | null> {
  return db
    .prepare(
      `INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at, credential_id)
       SELECT ?1, m.id, ?2, ?3, NULL FROM staff_members m WHERE m.center_id = ?5 AND m.email = ?4 AND m.disabled_at IS NULL
       RETURNING staff_id AS staffId, (SELECT role FROM staff_members WHERE id = staff_id) AS role`,
    )
    .bind(tokenHash, now, expiresAt, email, center)
    .first<{ staffId: string; role: StaffRole }>();
}
