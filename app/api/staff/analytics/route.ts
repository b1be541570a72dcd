import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseQuery } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";
import { AnalyticsSearch } from "./schema";

/** Counts per hour or per local day for a range (staff and admins; a tutor gets 403). */
export function GET(request: Request) {
  return handle("GET staff analytics", async () => {
    const { token } = await requireStaff(request, ["admin", "staff"]);
    const query = parseQuery(request, AnalyticsSearch);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffAnalytics(token, query)));
  });
}
