import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentStaff } from "../current-staff";
import { InboxBoard } from "./inbox-board";

export const metadata: Metadata = { title: "Inbox · Staff · Tutoring Center" };

/** Messages students left for the center, answered here into their chats. */
export default async function StaffInboxPage() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  return (
    <div className="directory">
      <p>
        <Link href="/staff">← Staff console</Link>
      </p>
      <h1>Inbox</h1>
      {session.member.role === "tutor" ? <p>The inbox is for staff and admins.</p> : <InboxBoard />}
    </div>
  );
}
