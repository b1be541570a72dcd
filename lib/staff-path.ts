/** Whether a path is one of the staff console's pages (kept apart from lib/staff/: the student's pages import it). */
export function isStaffPath(pathname: string): boolean {
  return pathname === "/staff" || pathname.startsWith("/staff/");
}
