import { callSidecar } from "@/lib/server/call-sidecar";
import { handle } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/**
 * "Download my data": everything the caller holds (the account's, when signed in) as one JSON file:
 * chats with their messages, bookings, what the assistant remembers, the bell, the preferences.
 */
export function GET(request: Request) {
  return handle("GET account export", async () => {
    const { owner, sidecar, client } = await openOwnerRoute(request);
    const data = await callSidecar(() => sidecar.exportMyData(owner.id, client), { idempotent: true });
    const headers = new Headers({ "cache-control": "no-store", "content-disposition": 'attachment; filename="tutoring-center-my-data.json"' });
    for (const cookie of owner.setCookies) headers.append("set-cookie", cookie);
    return Response.json({ ...(owner.account ? { account: { email: owner.account.email } } : {}), ...data }, { headers });
  });
}
