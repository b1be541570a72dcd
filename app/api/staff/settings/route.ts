import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff, requireStaffChange } from "@/lib/server/staff";
import { SettingsBody } from "./schema";

/** The center's settings and booking policies (any staff member may read them). */
export function GET(request: Request) {
  return handle("GET staff settings", async () => {
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffCenterSettings(token)));
  });
}

/** An admin saves name, zone, policies and opening hours; the answer is the policy as stored. */
export function PUT(request: Request) {
  return handle("PUT staff settings", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const settings = await readJsonBody(request, SettingsBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffUpdateCenterSettings(token, settings)));
  });
}
