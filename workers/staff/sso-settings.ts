import { SsoSettingsInput, ssoSettings, type SsoColumns, type SsoSettingsView } from "../../lib/accounts/sso";
import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import type { StaffSessionInfo } from "../../lib/staff/schemas";
import { clearSsoIssuer, ssoColumns, updateSsoColumns } from "../../services/db/oidc";
import { checkStaffSession, limitStaffChange } from "./sessions";
import { clock } from "../../lib/time";

/**
 * Campus sign-in on the settings page (docs/accounts-sso.md), admins only: the provider's columns
 * of center_settings, and whether the deployment holds OIDC_CLIENT_SECRET (a boolean; the secret
 * itself stays a wrangler secret and is never entered or shown). Saving reaches no provider: its
 * discovery is read at the first sign-in, per issuer (services/oidc.ts), so a changed issuer is
 * never served from an old one's metadata. Each center has its own provider: the admin's center's
 * row (`member.centerId`), never another's.
 */
export class SsoSettingsDesk {
  constructor(private readonly env: Pick<Env, "DB"> & Partial<Pick<Env, "RATE_LIMITER" | "OIDC_CLIENT_SECRET">>) {}

  /** An admin; a `change` counts against their limit of staff changes. */
  private async admin(sessionToken: unknown, change = false): Promise<Result<StaffSessionInfo>> {
    const now = clock.now();
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now });
    if (!session.ok) return session;
    if (session.value.member.role !== "admin") return fail("forbidden:staff", "Only an admin can change campus sign-in.");
    return (change && (await limitStaffChange(this.env, session.value, now))) || session;
  }

  /** The columns as D1 holds them; on when they parse as ssoConfig() reads them and the secret is present. */
  private async view(center: string): Promise<SsoSettingsView> {
    const columns: SsoColumns = (await ssoColumns(this.env.DB, { center })) ?? { issuer: null, clientId: null, allowedDomains: "", staffClaim: null, staffValues: "", adminValues: "", label: null };
    const secretPresent = Boolean(this.env.OIDC_CLIENT_SECRET);
    return { ...columns, secretPresent, enabled: secretPresent && ssoSettings(columns) !== null };
  }

  async read(sessionToken: unknown) {
    const session = await this.admin(sessionToken);
    if (!session.ok) return session;
    return ok(await this.view(session.value.member.centerId));
  }

  /** Saves every field (an empty one is cleared); bad input changes nothing and names its fields. One row written. */
  async update(sessionToken: unknown, input: unknown) {
    const session = await this.admin(sessionToken, true);
    if (!session.ok) return session;
    const parsed = SsoSettingsInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Those campus sign-in settings are not valid.", zodIssues(parsed.error));
    const center = session.value.member.centerId;
    await updateSsoColumns(this.env.DB, { center, settings: parsed.data, staffId: session.value.member.id, now: clock.now() });
    return ok(await this.view(center));
  }

  /** "Turn off": clears the issuer; the other fields stay for turning it on again. One row written. */
  async turnOff(sessionToken: unknown) {
    const session = await this.admin(sessionToken, true);
    if (!session.ok) return session;
    const center = session.value.member.centerId;
    await clearSsoIssuer(this.env.DB, { center, staffId: session.value.member.id, now: clock.now() });
    return ok(await this.view(center));
  }
}
