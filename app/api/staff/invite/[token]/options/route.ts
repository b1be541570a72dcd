import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, json, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { staffSite } from "@/lib/server/staff";

type Context = { params: Promise<{ token: string }> };

/** The passkey-creation options for an open invite (404 unknown or used, 410 expired). */
export function POST(request: Request, { params }: Context) {
  return handle("POST staff invite options", async () => {
    requireSameOrigin(request);
    const { token } = await params;
    const sidecar = await getSidecar();
    const site = await staffSite();
    return json(await callSidecar(() => sidecar.staffInviteOptions(token, site, callerOf(request))));
  });
}
