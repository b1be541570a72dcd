import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, json, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { staffSite } from "@/lib/server/staff";

/** A one-use challenge for a passkey sign-in (discoverable: the authenticator picks the account). */
export function POST(request: Request) {
  return handle("POST staff sign-in options", async () => {
    requireSameOrigin(request);
    const sidecar = await getSidecar();
    const site = await staffSite();
    return json(await callSidecar(() => sidecar.staffSignInOptions(site, callerOf(request))));
  });
}
