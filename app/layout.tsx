import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { loadCenterTimeZone } from "@/lib/server/center";
import { CenterTimeProvider } from "./components/center-zone";
import { NotificationBell } from "./components/notification-bell";
import { SiteChrome } from "./components/site-chrome";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tutoring Center · Find a tutor",
  description: "Chat with the tutoring assistant to find a tutor by subject, day and time, and book a session.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Rendered per request so every page carries that response's CSP nonce on its scripts (worker.ts).
export const dynamic = "force-dynamic";

/** The student's menu; the staff console has its own header (app/staff/layout.tsx). */
function StudentHeader() {
  return (
    <header className="site-header">
      <Link className="brand" href="/">
        Tutoring Center
      </Link>
      <nav aria-label="Main">
        <Link href="/">Chat</Link>
        <Link href="/tutors">Tutors</Link>
        <Link href="/bookings">My bookings</Link>
        <Link href="/memory">Memory</Link>
        <Link href="/account">Account</Link>
        <NotificationBell />
      </nav>
    </header>
  );
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every time on the site is shown in the center's zone (app/components/center-time.tsx).
  const timeZone = await loadCenterTimeZone();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <CenterTimeProvider timeZone={timeZone}>
          <SiteChrome header={<StudentHeader />}>{children}</SiteChrome>
        </CenterTimeProvider>
      </body>
    </html>
  );
}
