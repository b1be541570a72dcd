import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import type { StaffSessionInfo } from "@/lib/staff/schemas";
import { currentStaff } from "./current-staff";

/** The signed-in staff member for a console page; anyone else is sent to sign in. */
export async function signedInStaff(): Promise<StaffSessionInfo> {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  return session;
}

/** A console page: the way back, its title, then its content. */
export function StaffPage({ title, back = { href: "/staff", label: "← Staff console" }, children }: { title: string; back?: { href: string; label: string }; children: ReactNode }) {
  return (
    <div className="directory">
      <p>
        <Link href={back.href}>{back.label}</Link>
      </p>
      <h1>{title}</h1>
      {children}
    </div>
  );
}
