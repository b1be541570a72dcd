import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentStaff } from "../current-staff";
import { AnalyticsBoard } from "./analytics-board";

export const metadata: Metadata = { title: "Analytics · Staff · Tutoring Center" };

/** Counts per day or hour: chats, messages, bookings, hand-offs and how fast staff answered. */
export default async function StaffAnalyticsPage() {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  return (
    <div className="directory">
      <p>
        <Link href="/staff">← Staff console</Link>
      </p>
      <h1>Analytics</h1>
      {session.member.role === "tutor" ? <p>Analytics are for staff and admins.</p> : <AnalyticsBoard />}
    </div>
  );
}
