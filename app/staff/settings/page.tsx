import type { Metadata } from "next";
import Link from "next/link";
import { signedInStaff, StaffPage } from "../staff-page";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Center settings · Staff · Tutoring Center" };

/** The center's name, zone, booking policies, opening hours and closed dates: admins edit, other staff read. */
export default async function StaffSettingsPage() {
  const session = await signedInStaff();
  return (
    <StaffPage title="Center settings">
      <p className="subtitle">The assistant applies these rules to every search and booking, and explains them to students.</p>
      {session.member.role === "admin" && (
        <p>
          <Link href="/staff/settings/sign-in">Campus sign-in</Link>: let students and staff sign in with their campus account.
        </p>
      )}
      <SettingsForm canEdit={session.member.role === "admin"} />
    </StaffPage>
  );
}
