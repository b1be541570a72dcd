import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { loadDirectory } from "@/lib/server/directory";
import { consoleSections } from "@/lib/staff/console-sections";
import { currentStaff } from "./current-staff";
import { InviteColleague, SignOut } from "./passkeys";

export const metadata: Metadata = { title: "Staff · Tutoring Center" };

const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;

/** The staff console's home: who is signed in, its sections by role, and (admins) invites. */
export default async function StaffHome() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  const { member } = session;
  // A tutor's invite names the tutor: the form offers the catalog's tutors.
  const tutors = member.role === "admin" ? (await loadDirectory("")).tutors.map(({ id, name }) => ({ id, name })) : [];
  return (
    <div className="directory">
      <h1>Staff console</h1>
      <p className="subtitle" data-testid="staff-member">
        Signed in as {member.email} ({ROLE_LABEL[member.role]}).
      </p>
      <SignOut />
      <nav aria-label="Staff">
        <ul>
          {consoleSections(member.role).map(({ href, description }) => (
            <li key={href}>
              <Link href={href}>{description}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {member.role === "admin" && (
        <section aria-labelledby="invite">
          <h2 id="invite">Invite a colleague</h2>
          <InviteColleague tutors={tutors} />
        </section>
      )}
    </div>
  );
}
