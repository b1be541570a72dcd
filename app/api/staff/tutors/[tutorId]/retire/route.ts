import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";

type Context = { params: Promise<{ tutorId: string }> };

/** Retires the tutor (staff and admins; idempotent): never matched again; their future bookings come back to rebook. */
export function POST(request: Request, { params }: Context) {
  return handle("POST staff tutor retire", async () => {
    const { tutorId } = await params;
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffRetireTutor(token, tutorId)));
  });
}
