import type { Metadata } from "next";
import Link from "next/link";
import { ZoneNote } from "../components/center-time";
import { NotificationList } from "../components/notification-list";

export const metadata: Metadata = { title: "Notifications · Tutoring Center" };

export default function NotificationsPage() {
  return (
    <div className="directory">
      <h1>Notifications</h1>
      <p className="subtitle">
        Your bookings, cancellations and reminders, newest first (the latest 50). Opening this page marks them read. Choose which emails you get on the{" "}
        <Link href="/notifications/preferences">notification preferences</Link> page.
      </p>
      <ZoneNote />
      <NotificationList />
    </div>
  );
}
