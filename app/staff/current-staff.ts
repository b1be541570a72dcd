import { cookies } from "next/headers";
import { cache } from "react";
import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { getSidecar } from "@/lib/server/sidecar";
import { STAFF_COOKIE } from "@/lib/server/staff";
import type { StaffSessionInfo } from "@/lib/staff/schemas";

/**
 * The signed-in staff member for a page, or null (a page then sends them to sign in). Read once
 * per request: the staff header (app/staff/layout.tsx) and the page share one session check.
 */
export const currentStaff = cache(async (): Promise<StaffSessionInfo | null> => {
  const token = (await cookies()).get(STAFF_COOKIE)?.value;
  if (!token) return null;
  try {
    const sidecar = await getSidecar();
    return await callSidecar(() => sidecar.staffSession(token));
  } catch (error) {
    if (error instanceof AppError && error.status === 401) return null;
    throw error;
  }
});

