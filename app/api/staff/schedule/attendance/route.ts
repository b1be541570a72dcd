import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { StaffAttendance } from "@/lib/staff/schedule";

/** Attended or no-show, once the session has started (a tutor on their own sessions; the sidecar checks which). */
export function POST(request: Request) {
  return handle("POST staff schedule attendance", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff", "tutor"]);
    const input = await readJsonBody(request, StaffAttendance);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffScheduleAttendance(token, input)));
  });
}
