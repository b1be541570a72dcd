import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { centerOfRequest } from "@/lib/server/request-center";
import { getSidecar } from "@/lib/server/sidecar";

/** Whether this center offers campus sign-in, and the button's words (the sign-in page asks). */
export function GET(request: Request) {
  return handle("GET account sso", async () => {
    const sidecar = await getSidecar();
    const center = await centerOfRequest(request, sidecar);
    return json(await callSidecar(() => sidecar.ssoConfig(center.id)));
  });
}
