import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/**
 * A one-use, 60-second ticket for the caller's bell socket (a browser cannot
 * set headers on a WebSocket). Signed apart from chat tickets: neither opens the other.
 */
export function POST(request: Request) {
  return handle("POST notification socket ticket", async () => {
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.notificationSocketTicket(owner.id, client), { idempotent: true }), { owner });
  });
}
