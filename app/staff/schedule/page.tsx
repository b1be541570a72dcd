import type { Metadata } from "next";
import { ScheduleQuery } from "@/app/api/staff/schedule/schema";
import { signedInStaff, StaffPage } from "../staff-page";
import { ScheduleBoard } from "./schedule-board";

export const metadata: Metadata = { title: "Schedule · Staff · Tutoring Center" };

/** The week's sessions by day and tutor: staff cancel, mark attendance and note; a tutor sees their own. */
export default async function StaffSchedulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await signedInStaff();
  // A malformed address shows this week rather than an error page.
  const query = ScheduleQuery.safeParse(await searchParams);
  const { from, tutor, ref } = query.success ? query.data : {};
  return (
    <StaffPage title="Schedule">
      <ScheduleBoard from={from ?? null} tutor={tutor ?? null} reference={ref ?? null} role={session.member.role} />
    </StaffPage>
  );
}
