import type { Metadata } from "next";
import { signedInStaff, StaffPage } from "../../staff-page";
import { TutorForm } from "../tutor-form";

export const metadata: Metadata = { title: "Add tutor · Staff · Tutoring Center" };

/** A new tutor (staff and admins; the sidecar refuses anyone else). */
export default async function NewTutorPage() {
  const session = await signedInStaff();
  return (
    <StaffPage title="Add tutor" back={{ href: "/staff/tutors", label: "← Tutors" }}>
      {session.member.role === "tutor" ? <p>Staff and admins add tutors.</p> : <TutorForm tutor={null} />}
    </StaffPage>
  );
}
