import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { StaffNote } from "@/lib/staff/schedule";

/** The session's short note (a tutor on their own sessions; staff and admins on any). */
export function POST(request: Request) {
  return handle("POST staff schedule note", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff", "tutor"]);
    const input = await readJsonBody(request, StaffNote);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffScheduleNote(token, input)));
  });
}
