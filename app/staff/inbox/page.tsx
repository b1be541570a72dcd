import type { Metadata } from "next";
import { signedInStaff, StaffPage } from "../staff-page";
import { staffDisplayName } from "@/lib/staff/author";
import { InboxBoard } from "./inbox-board";
import { ReplyName } from "./reply-name";

export const metadata: Metadata = { title: "Inbox · Staff · Tutoring Center" };

/** Messages students left for the center, answered here into their chats. */
export default async function StaffInboxPage() {
  const session = await signedInStaff();
  return (
    <StaffPage title="Inbox">
      {session.member.role === "tutor" ? (
        <p>The inbox is for staff and admins.</p>
      ) : (
        <>
          <InboxBoard />
          <ReplyName initial={staffDisplayName(session.member)} />
        </>
      )}
    </StaffPage>
  );
}
