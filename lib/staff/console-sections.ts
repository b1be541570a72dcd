import type { StaffRole } from "./schemas";

/**
 * The staff console's sections and who sees each: the console home lists them with what each
 * holds, the staff header (app/staff/layout.tsx) links them by their short name. The sidecar
 * checks the role again on every call; this only decides what is offered.
 */
export interface ConsoleSection {
  href: string;
  /** the header's link text */
  label: string;
  /** the console home's link text */
  description: string;
}

export function consoleSections(role: StaffRole): ConsoleSection[] {
  const tutor = role === "tutor";
  const sections: (ConsoleSection | false)[] = [
    !tutor && { href: "/staff/inbox", label: "Inbox", description: "Inbox: messages students left for the center" },
    { href: "/staff/schedule", label: "Schedule", description: tutor ? "Schedule: your sessions this week" : "Schedule: the week's sessions by tutor" },
    { href: "/staff/tutors", label: "Tutors", description: "Tutors: subjects, weekly hours, add and retire" },
    { href: "/staff/settings", label: "Settings", description: "Center settings: booking policies, opening hours and closed dates" },
    !tutor && { href: "/staff/analytics", label: "Analytics", description: "Analytics: chats, bookings and hand-offs by day or hour" },
    role === "admin" && { href: "/staff/members", label: "Members", description: "Staff members: roles, passkeys, disable, pending invites" },
  ];
  return sections.filter((section): section is ConsoleSection => section !== false);
}
