import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentStaff } from "../current-staff";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Center settings · Staff · Tutoring Center" };

/** The center's name, zone, booking policies, opening hours and closed dates: admins edit, other staff read. */
export default async function StaffSettingsPage() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  return (
    <div className="directory">
      <p>
        <Link href="/staff">← Staff console</Link>
      </p>
      <h1>Center settings</h1>
      <p className="subtitle">The assistant applies these rules to every search and booking, and explains them to students.</p>
      <SettingsForm canEdit={session.member.role === "admin"} />
    </div>
  );
}
