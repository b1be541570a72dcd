"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { consoleSections } from "@/lib/staff/console-sections";
import type { StaffRole } from "@/lib/staff/schemas";

/** The staff header's links: the console home, then its sections for this role; the open one is marked. */
export function StaffNav({ role }: { role: StaffRole }) {
  const pathname = usePathname();
  const links = [{ href: "/staff", label: "Console" }, ...consoleSections(role)];
  return (
    <nav aria-label="Staff console">
      {links.map(({ href, label }) => {
        const current = href === "/staff" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link key={href} href={href} aria-current={current ? "page" : undefined}>
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
