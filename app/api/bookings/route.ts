import { callSidecar } from "@/lib/chat-session-client";
import { handle, json } from "@/lib/server/http";
import { identifyOwner } from "@/lib/server/owner-cookie";
import { getOwnerSecret, getSidecar } from "@/lib/server/sidecar";

/** The caller's bookings, newest first. */
export function GET(request: Request) {
  return handle("GET bookings", async () => {
    const sidecar = await getSidecar();
    const owner = await identifyOwner(request, await getOwnerSecret());
    return json({ bookings: await callSidecar(() => sidecar.listBookings(owner.id)) }, { owner });
  });
}
