import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";

/** Messages nobody could answer in time (staff and admins). */
export function GET(request: Request) {
  return handle("GET staff dead letters", async () => {
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffDeadLetters(token)));
  });
}
