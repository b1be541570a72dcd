import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { callSidecar } from "@/lib/chat-session-client";
import { AppError } from "@/lib/errors";
import { getSidecar } from "@/lib/server/sidecar";
import { STAFF_COOKIE } from "@/lib/server/staff";
import type { StaffSessionInfo } from "@/lib/staff/schemas";
import { InviteColleague, SignOut } from "./passkeys";

export const metadata: Metadata = { title: "Staff · Tutoring Center" };

const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;

async function currentStaff(): Promise<StaffSessionInfo | null> {
  const token = (await cookies()).get(STAFF_COOKIE)?.value;
  if (!token) return null;
  try {
    const sidecar = await getSidecar();
    return await callSidecar(() => sidecar.staffSession(token));
  } catch (error) {
    if (error instanceof AppError && error.status === 401) return null;
    throw error;
  }
}

/** The staff console's home. Its sections (schedule, inbox, tutors, settings, analytics) are the next slices of issue 10. */
export default async function StaffHome() {
  await headers(); // rendered per request: who is signed in changes
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
      <section aria-labelledby="coming">
        <h2 id="coming">What is here so far</h2>
        <p>Passkey sign-in for the center&apos;s staff. The schedule, the hand-off inbox, tutors, center settings and analytics come next.</p>
      </section>
      {member.role === "admin" && (
        <section aria-labelledby="invite">
          <h2 id="invite">Invite a colleague</h2>
          <InviteColleague />
        </section>
      )}
    </div>
  );
}
