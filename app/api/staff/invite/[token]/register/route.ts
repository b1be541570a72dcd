import { callSidecar } from "@/lib/server/call-sidecar";
import { callerOf, handle, requireSameOrigin } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { readPasskeyAnswer, signedIn, staffSite } from "@/lib/server/staff";

type Context = { params: Promise<{ token: string }> };

/** Registers the new passkey against the invite, once, and signs its member in. */
export function POST(request: Request, { params }: Context) {
  return handle("POST staff register", async () => {
    requireSameOrigin(request);
    const { token } = await params;
    const { challengeId, response } = await readPasskeyAnswer(request);
    const sidecar = await getSidecar();
    const site = await staffSite();
    return signedIn(request, await callSidecar(() => sidecar.staffRegister(token, challengeId, response, site, callerOf(request))));
  });
}
