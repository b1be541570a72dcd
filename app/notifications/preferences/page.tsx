import type { Metadata } from "next";
import Link from "next/link";
import { NotificationPreferencesForm } from "../../components/notification-preferences";

export const metadata: Metadata = { title: "Notification preferences · Tutoring Center" };

export default function NotificationPreferencesPage() {
  return (
    <div className="directory">
      <h1>Notification preferences</h1>
      <p className="subtitle">
        Which emails you get about your sessions. Everything still shows under <Link href="/notifications">Notifications</Link> in this browser.
      </p>
      <NotificationPreferencesForm />
    </div>
  );
}
