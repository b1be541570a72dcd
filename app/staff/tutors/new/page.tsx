import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentStaff } from "../../current-staff";
import { TutorForm } from "../tutor-form";

export const metadata: Metadata = { title: "Add tutor · Staff · Tutoring Center" };

/** A new tutor (staff and admins; the sidecar refuses anyone else). */
export default async function NewTutorPage() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  return (
    <div className="directory">
      <p>
        <Link href="/staff/tutors">← Tutors</Link>
      </p>
      <h1>Add tutor</h1>
      {session.member.role === "tutor" ? <p>Staff and admins add tutors.</p> : <TutorForm tutor={null} />}
    </div>
  );
}
