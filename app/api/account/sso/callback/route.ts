import { AppError, toAppError } from "@/lib/errors";
import { callSidecar } from "@/lib/server/call-sidecar";
import { SSO_FLOW_COOKIE, ssoFlowCookie } from "@/lib/server/account-cookie";
import { deviceOwner, signedInOwner } from "@/lib/server/account-sign-in";
import { parseQuery } from "@/lib/server/http";
import { readCookie } from "@/lib/server/owner-cookie";
import { getOwnerSecret, getSidecar } from "@/lib/server/sidecar";
import { staffCookie } from "@/lib/server/staff";
import { identifyVisitor } from "@/lib/server/visitor";
import { deviceName } from "@/lib/accounts/schemas";
import { SsoCallbackQuery } from "../schema";

/**
 * Campus sign-in, step 2: the identity provider sends the browser back here. The sidecar checks
 * everything (state, the code, the ID token against the issuer's keys, nonce, email domain) and
 * answers a student's account session or a staff session. Either way the flow cookie is dropped and
 * the browser is sent on: to where it started, or to the sign-in page with what went wrong.
 */
export async function GET(request: Request) {
  const headers = new Headers({ "cache-control": "no-store" });
  headers.append("set-cookie", ssoFlowCookie(request, "", 0));
  try {
    parseQuery(request, SsoCallbackQuery);
    const flow = readCookie(request.headers.get("cookie"), SSO_FLOW_COOKIE);
    if (!flow) throw new AppError("unauthorized:sso", "Campus sign-in took too long or was started in another browser. Please try again.");
    const sidecar = await getSidecar();
    const secret = await getOwnerSecret();
    const device = await deviceOwner(request, secret, await identifyVisitor(request, secret, sidecar));
    const finished = await callSidecar(() => sidecar.ssoFinish(request.url, flow, device.id, deviceName(request.headers.get("user-agent"))), { idempotent: false });
    if (finished.kind === "staff") {
      headers.append("set-cookie", staffCookie(request, finished.sessionToken, Math.max(0, Math.floor((finished.expiresAt - Date.now()) / 1000))));
      headers.set("location", "/staff");
    } else {
      for (const cookie of (await signedInOwner(request, secret, finished.signedIn)).setCookies) headers.append("set-cookie", cookie);
      headers.set("location", finished.returnTo);
    }
  } catch (error) {
    const appError = toAppError(error, "GET account sso callback");
    headers.set("location", `/account?sso=${encodeURIComponent(appError.message)}`);
  }
  return new Response(null, { status: 303, headers });
}
