import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, parseQuery } from "@/lib/server/http";
import { centerOfRequest } from "@/lib/server/request-center";
import { getSidecar } from "@/lib/server/sidecar";
import { ssoFlowCookie } from "@/lib/server/account-cookie";
import { SsoStartQuery } from "../schema";

/**
 * Campus sign-in, step 1: the browser is sent to the center's identity provider (authorization code
 * with PKCE, `state` and `nonce`: services/oidc.ts), carrying the flow in an HttpOnly cookie for ten
 * minutes. A top-level navigation (a link), so a GET.
 */
export function GET(request: Request) {
  return handle("GET account sso start", async () => {
    const { returnTo } = parseQuery(request, SsoStartQuery);
    const sidecar = await getSidecar();
    const center = await centerOfRequest(request, sidecar);
    const started = await callSidecar(() => sidecar.ssoStart(returnTo ?? "/bookings", center.id), { idempotent: false });
    const headers = new Headers({ location: started.redirectUrl, "cache-control": "no-store" });
    headers.append("set-cookie", ssoFlowCookie(request, started.flowCookie, Math.max(0, Math.floor((started.expiresAt - Date.now()) / 1000))));
    return new Response(null, { status: 302, headers });
  });
}
