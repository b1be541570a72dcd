import Link from "next/link";
import type { ReactNode } from "react";
import { currentStaff } from "./current-staff";
import { StaffNav } from "./staff-nav";

/**
 * Every console page's header: the way home to the console and its sections as the member's role
 * allows (lib/staff/console-sections.ts), instead of the student's menu. Signed out (sign-in,
 * an invite), only the brand. The pages check the session themselves; this reads the same one
 * (`currentStaff` is read once per request).
 */
export default async function StaffLayout({ children }: { children: ReactNode }) {
  const session = await currentStaff().catch(() => null);
  return (
    <>
      <header className="site-header">
        <Link className="brand" href="/staff">
          Tutoring Center · Staff
        </Link>
        {session && <StaffNav role={session.member.role} />}
      </header>
      <main id="main">{children}</main>
    </>
  );
}
