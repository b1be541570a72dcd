import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";

/** Whether this center offers campus sign-in, and the button's words (the sign-in page asks). */
export function GET() {
  return handle("GET account sso", async () => {
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.ssoConfig()));
  });
}
