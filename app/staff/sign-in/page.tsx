import type { Metadata } from "next";
import { SignInWithPasskey } from "../passkeys";

export const metadata: Metadata = { title: "Staff sign-in · Tutoring Center" };

export default function StaffSignIn() {
  return (
    <div className="directory">
      <h1>Staff sign-in</h1>
      <p className="subtitle">For the tutoring center&apos;s staff and tutors. Students do not need an account.</p>
      <SignInWithPasskey />
    </div>
  );
}
