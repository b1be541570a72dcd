import { callSidecar } from "@/lib/server/call-sidecar";
import { accountCookieHeader, signAccountCookie } from "@/lib/server/account-cookie";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { ownerWithCookie } from "@/lib/server/owner-cookie";
import { newOwnerId } from "@/lib/ids";
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
    // A browser already signed in brings its anonymous owner, not the account it is signed in to.
    const device = owner.account ? await ownerWithCookie(request, newOwnerId(), await getOwnerSecret()) : owner;
    const signedIn = await callSidecar(() => sidecar.redeemSignInLink(token, device.id, deviceName(request.headers.get("user-agent")), client), { idempotent: false });
    const secret = await getOwnerSecret();
    const cookie = await signAccountCookie(secret, { sessionId: signedIn.sessionId, ownerId: signedIn.ownerId, email: signedIn.email, checkedAt: Date.now() });
    const fresh = await ownerWithCookie(request, newOwnerId(), secret);
    return json(
      { email: signedIn.email, merged: signedIn.merged, pending: signedIn.pending },
      { owner: { id: signedIn.ownerId, setCookies: [accountCookieHeader(request, cookie), ...fresh.setCookies] } },
    );
  });
}
