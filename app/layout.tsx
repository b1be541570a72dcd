import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { NotificationBell } from "./components/notification-bell";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tutoring Center · Find a tutor",
  description: "Chat with the tutoring assistant to find a tutor by subject, day and time, and book a session.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Rendered per request so every page carries that response's CSP nonce on its scripts (worker.ts).
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link className="brand" href="/">
            Tutoring Center
          </Link>
          <nav aria-label="Main">
            <Link href="/">Chat</Link>
            <Link href="/tutors">Tutors</Link>
            <Link href="/bookings">My bookings</Link>
            <Link href="/memory">Memory</Link>
            <NotificationBell />
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
