import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ScheduleQuery } from "@/app/api/staff/schedule/schema";
import { currentStaff } from "../current-staff";
import { ScheduleBoard } from "./schedule-board";

export const metadata: Metadata = { title: "Schedule · Staff · Tutoring Center" };

/** The week's sessions by day and tutor: staff cancel, mark attendance and note; a tutor sees their own. */
export default async function StaffSchedulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await currentStaff();
  if (!session) redirect("/staff/sign-in");
  // A malformed address shows this week rather than an error page.
  const query = ScheduleQuery.safeParse(await searchParams);
  const { from, tutor } = query.success ? query.data : {};
  return (
    <div className="directory">
      <p>
        <Link href="/staff">← Staff console</Link>
      </p>
      <h1>Schedule</h1>
      <ScheduleBoard from={from ?? null} tutor={tutor ?? null} role={session.member.role} />
    </div>
  );
}
