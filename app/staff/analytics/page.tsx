import type { Metadata } from "next";
import { signedInStaff, StaffPage } from "../staff-page";
import { AnalyticsBoard } from "./analytics-board";

export const metadata: Metadata = { title: "Analytics · Staff · Tutoring Center" };

/** Counts per day or hour: chats, messages, bookings, hand-offs and how fast staff answered. */
export default async function StaffAnalyticsPage() {
  const session = await signedInStaff();
  return (
    <StaffPage title="Analytics">
      {session.member.role === "tutor" ? <p>Analytics are for staff and admins.</p> : <AnalyticsBoard />}
    </StaffPage>
  );
}
