import type { Metadata } from "next";
import { AccountPanel } from "../components/account-panel";

export const metadata: Metadata = { title: "Your account · Tutoring Center" };

export default function AccountPage() {
  return (
    <div className="directory account">
      <h1>Your account</h1>
      <AccountPanel />
    </div>
  );
}
