import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** The caller's notifications, newest first (the newest 50 are kept), and how many are unread. */
export function GET(request: Request) {
  return handle("GET notifications", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.notifications(owner.id), { idempotent: true }), { owner });
  });
}
