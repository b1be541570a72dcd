import type { Metadata } from "next";
import { ManagedBooking } from "../../components/managed-booking";

export const metadata: Metadata = { title: "Your booking · Tutoring Center", robots: { index: false, follow: false }, referrer: "no-referrer" };

type Props = { params: Promise<{ token: string }> };

/** The page a "Manage this booking" link opens (lib/mail/manage-link.ts): the token names the booking, no cookie needed. */
export default async function ManagedBookingPage({ params }: Props) {
  const { token } = await params;
  return (
    <div className="directory">
      <h1>Your booking</h1>
      <ManagedBooking token={token} />
    </div>
  );
}
