import type { Metadata } from "next";
import Link from "next/link";
import { BookingList } from "../components/booking-list";
import { ZoneNote } from "../components/center-time";

export const metadata: Metadata = { title: "My bookings · Tutoring Center" };

export default function BookingsPage() {
  return (
    <div className="directory">
      <h1>My bookings</h1>
      <p className="subtitle">Every session booked from this browser, from any chat (from your account, on every device, once you sign in). A cancelled session frees the slot for others. See <Link href="/memory">what the assistant remembers</Link> about you.</p>
      <ZoneNote />
      <p>
        Reminder and booking emails: <Link href="/notifications/preferences">notification preferences</Link>.
      </p>
      <BookingList />
    </div>
  );
}
