import { callSidecar } from "@/lib/server/call-sidecar";
import { csvFileName, seriesToCsv } from "@/lib/analytics/csv";
import { handle, parseQuery } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";
import { AnalyticsSearch } from "../analytics/schema";

/** The same numbers as GET /api/staff/analytics, as a CSV download: one row per bucket. */
export function GET(request: Request) {
  return handle("GET staff analytics csv", async () => {
    const { token } = await requireStaff(request, ["admin", "staff"]);
    const query = parseQuery(request, AnalyticsSearch);
    const sidecar = await getSidecar();
    const series = await callSidecar(() => sidecar.staffAnalytics(token, query));
    return new Response(seriesToCsv(series), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${csvFileName(series)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  });
}
