import type { Metadata } from "next";
import Link from "next/link";
import { MemoryList } from "../components/memory-list";

export const metadata: Metadata = { title: "What the assistant remembers · Tutoring Center" };

export default function MemoryPage() {
  return (
    <div className="directory">
      <h1>What the assistant remembers</h1>
      <p className="subtitle">
        What the assistant has learned about you from your bookings and chats in this browser (in your account, when you are signed in), and where each fact came from. Fix or delete any of it, or make it forget
        you entirely. See also <Link href="/bookings">My bookings</Link>.
      </p>
      <MemoryList />
    </div>
  );
}
