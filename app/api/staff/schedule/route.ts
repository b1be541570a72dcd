import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseQuery } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";
import { ScheduleQuery } from "./schema";

/** The week's bookings by day and tutor, or one booking by its number (a tutor gets only their own; the sidecar decides). */
export function GET(request: Request) {
  return handle("GET staff schedule", async () => {
    const { token } = await requireStaff(request);
    const { from, tutor, ref } = parseQuery(request, ScheduleQuery);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffScheduleWeek(token, { ...(from ? { from } : {}), ...(tutor ? { tutorId: tutor } : {}), ...(ref ? { reference: ref } : {}) })));
  });
}
