import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** The caller's bookings, newest first. */
export function GET(request: Request) {
  return handle("GET bookings", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    return json({ bookings: await callSidecar(() => sidecar.listBookings(owner.id)) }, { owner });
  });
}
