import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff, requireStaffChange } from "@/lib/server/staff";
import { TutorInput } from "@/lib/staff/tutor-schemas";

/** Every tutor, retired ones flagged (any staff role may look). */
export function GET(request: Request) {
  return handle("GET staff tutors", async () => {
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffTutors(token)));
  });
}

/** Adds a tutor (staff and admins); the assistant matches them from the next message on. */
export function POST(request: Request) {
  return handle("POST staff tutor", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const input = await readJsonBody(request, TutorInput);
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: a second insert would add the tutor twice.
    return json(await callSidecar(() => sidecar.staffCreateTutor(token, input), { idempotent: false }), { status: 201 });
  });
}
