import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { StaffCancel } from "@/lib/staff/schedule";

/** The center cancels a confirmed session (staff and admins); the student's chat says so, with the reason. Not repeated on a lost connection: a second try would answer 404 for a cancel that happened. */
export function POST(request: Request) {
  return handle("POST staff schedule cancel", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const input = await readJsonBody(request, StaffCancel);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffScheduleCancel(token, input), { idempotent: false }));
  });
}
