import { callSidecar } from "@/lib/server/call-sidecar";
import { deviceOwner, signedInOwner } from "@/lib/server/account-sign-in";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { getOwnerSecret } from "@/lib/server/sidecar";
import { deviceName } from "@/lib/accounts/schemas";
import { SignInLinkRedeem } from "../schema";

/**
 * The sign-in link's button (the page at /account/link): spends the token and signs this browser in.
 * What its anonymous owner held moves into the account; the browser keeps a fresh anonymous owner
 * for after it signs out. 410 for a link used, expired or unknown (one answer for the three).
 */
export function POST(request: Request) {
  return handle("POST account link", async () => {
    const { token } = await readJsonBody(request, SignInLinkRedeem);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    const secret = await getOwnerSecret();
    const device = await deviceOwner(request, secret, owner);
    const signedIn = await callSidecar(() => sidecar.redeemSignInLink(token, device.id, deviceName(request.headers.get("user-agent")), client), { idempotent: false });
    return json({ email: signedIn.email, merged: signedIn.merged, pending: signedIn.pending }, { owner: await signedInOwner(request, secret, signedIn) });
  });
}
