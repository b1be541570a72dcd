import type { Metadata } from "next";
import { signedInStaff, StaffPage } from "../../staff-page";
import { SsoSettingsForm } from "./sso-settings-form";

export const metadata: Metadata = { title: "Campus sign-in · Staff · Tutoring Center" };

const BACK = { href: "/staff/settings", label: "← Center settings" };

/** The campus OpenID provider students and staff may sign in with (docs/accounts-sso.md): admins only. */
export default async function StaffSsoSettingsPage() {
  const session = await signedInStaff();
  if (session.member.role !== "admin") {
    return (
      <StaffPage title="Campus sign-in" back={BACK}>
        <p>Campus sign-in is managed by admins.</p>
      </StaffPage>
    );
  }
  return (
    <StaffPage title="Campus sign-in" back={BACK}>
      <p className="subtitle">
        Let students (and staff who are already members) sign in with their campus account through its OpenID Connect provider. Saving does not contact the provider:
        its discovery document is read at the first sign-in after a change, so try a sign-in once you save.
      </p>
      <SsoSettingsForm />
    </StaffPage>
  );
}
