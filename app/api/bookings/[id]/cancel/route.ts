import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

type Context = { params: Promise<{ id: string }> };

/** Cancels one of the caller's confirmed bookings; 404 for another owner's, an unknown or a finished one. */
export function POST(request: Request, { params }: Context) {
  return handle("POST booking cancel", async () => {
    const { id } = await params;
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.cancelBooking(owner.id, id, client)), { owner });
  });
}
