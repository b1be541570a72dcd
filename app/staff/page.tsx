import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { loadDirectory } from "@/lib/server/directory";
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
          {member.role !== "tutor" && (
            <li>
              <Link href="/staff/inbox">Inbox: messages students left for the center</Link>
            </li>
          )}
          <li>
            <Link href="/staff/schedule">{member.role === "tutor" ? "Schedule: your sessions this week" : "Schedule: the week's sessions by tutor"}</Link>
          </li>
          <li>
            <Link href="/staff/tutors">Tutors: subjects, weekly hours, add and retire</Link>
          </li>
          <li>
            <Link href="/staff/settings">Center settings: booking policies, opening hours and closed dates</Link>
          </li>
          {member.role !== "tutor" && (
            <li>
              <Link href="/staff/analytics">Analytics: chats, bookings and hand-offs by day or hour</Link>
            </li>
          )}
          {member.role === "admin" && (
            <li>
              <Link href="/staff/members">Staff members: roles, passkeys, disable, pending invites</Link>
            </li>
          )}
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
