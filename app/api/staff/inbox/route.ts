import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";

/** What is waiting for staff (staff and admins; a tutor gets 403 from the sidecar). */
export function GET(request: Request) {
  return handle("GET staff inbox", async () => {
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffInbox(token)));
  });
}
