"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { isStaffPath } from "@/lib/staff-path";

/**
 * The student's header and the page's main, except on the staff console, whose layout
 * (app/staff/layout.tsx) puts its own header and main there: staff never see the student's menu.
 * Decided by the path in the browser, so it follows client-side navigation too.
 */
export function SiteChrome({ header, children }: { header: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  if (isStaffPath(pathname)) return children;
  return (
    <>
      {header}
      <main id="main">{children}</main>
    </>
  );
}
