import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, requireSameOrigin } from "@/lib/server/http";
import { readCookie } from "@/lib/server/owner-cookie";
import { getSidecar } from "@/lib/server/sidecar";
import { STAFF_COOKIE, signedOut } from "@/lib/server/staff";

/** Ends the session on the server (revoked) and in the browser (cookie cleared). */
export function POST(request: Request) {
  return handle("POST staff sign-out", async () => {
    requireSameOrigin(request);
    const token = readCookie(request.headers.get("cookie"), STAFF_COOKIE);
    if (token) {
      const sidecar = await getSidecar();
      await callSidecar(() => sidecar.staffSignOut(token));
    }
    return signedOut(request);
  });
}
