import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentStaff } from "./current-staff";
import { InviteColleague, SignOut } from "./passkeys";

export const metadata: Metadata = { title: "Staff · Tutoring Center" };

const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;

/** The staff console's home. Its sections (schedule, inbox, tutors, settings, analytics) are the next slices of issue 10. */
export default async function StaffHome() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  const { member } = session;
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
          {member.role !== "tutor" && (
            <li>
              <Link href="/staff/analytics">Analytics: chats, bookings and hand-offs by day or hour</Link>
            </li>
          )}
        </ul>
      </nav>
      <p>The schedule, tutors and center settings come next.</p>
      {member.role === "admin" && (
        <section aria-labelledby="invite">
          <h2 id="invite">Invite a colleague</h2>
          <InviteColleague />
        </section>
      )}
    </div>
  );
}
