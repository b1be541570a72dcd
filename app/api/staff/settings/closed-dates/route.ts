import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { ClosedDateBody } from "./schema";

/** An admin closes the center on a date (nothing is offered or booked on it); the answer is the policy as stored. */
export function POST(request: Request) {
  return handle("POST staff closed date", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const closed = await readJsonBody(request, ClosedDateBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffAddClosedDate(token, closed)));
  });
}
