import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff, requireStaffChange } from "@/lib/server/staff";
import { TutorInput } from "@/lib/staff/tutor-schemas";

type Context = { params: Promise<{ tutorId: string }> };

/** One tutor; a retired one with their future bookings to rebook (staff and admins). 404 for an unknown id. */
export function GET(request: Request, { params }: Context) {
  return handle("GET staff tutor", async () => {
    const { tutorId } = await params;
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffTutor(token, tutorId)));
  });
}

/** Replaces the tutor's name, bio, mode, subjects and weekly hours (staff and admins); 409 once retired. */
export function PUT(request: Request, { params }: Context) {
  return handle("PUT staff tutor", async () => {
    const { tutorId } = await params;
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const input = await readJsonBody(request, TutorInput);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffUpdateTutor(token, tutorId, input)));
  });
}
