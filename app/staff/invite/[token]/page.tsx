import type { Metadata } from "next";
import { RegisterPasskey } from "../../passkeys";

export const metadata: Metadata = { title: "Staff invite · Tutoring Center" };

export default async function StaffInvite({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <div className="directory">
      <h1>Join the staff console</h1>
      <p className="subtitle">
        Create a passkey on this device (a fingerprint, face or device PIN). It signs you in from now on; there is no password. This link
        works once.
      </p>
      <RegisterPasskey token={token} />
    </div>
  );
}
