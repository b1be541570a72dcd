import { cookies } from "next/headers";
import { callSidecar } from "@/lib/server/call-sidecar";
import type { Result } from "@/lib/errors";
import { getSidecar } from "@/lib/server/sidecar";
import { STAFF_COOKIE } from "@/lib/server/staff";
import type { SidecarApi } from "@/lib/sidecar-api";

/**
 * A sidecar call on behalf of the signed-in staff member, for the console's
 * server-rendered pages (which have checked `signedInStaff()` first). The
 * sidecar checks the session and the role again.
 */
export async function asStaff<T>(call: (sidecar: SidecarApi, token: string) => Promise<Result<T>>): Promise<T> {
  const token = (await cookies()).get(STAFF_COOKIE)?.value ?? "";
  const sidecar = await getSidecar();
  return callSidecar(() => call(sidecar, token));
}
