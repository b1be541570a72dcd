import { AppError } from "@/lib/errors";
import { SIGNED_OUT_MESSAGE } from "@/lib/accounts/schemas";
import { callSidecar } from "@/lib/server/call-sidecar";
import { CLEARED_ACCOUNT_COOKIE } from "@/lib/server/account-cookie";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { SignOutRequest } from "../schema";

/**
 * Signs out this browser (`{}`), another device of the account (`{ device }`), or every device
 * (`{ everywhere: true }`). Other devices stop acting for the account at their next check, within
 * ten minutes. This browser becomes its anonymous self again, which holds nothing of the account.
 */
export function POST(request: Request) {
  return handle("POST account sign-out", async () => {
    const input = await readJsonBody(request, SignOutRequest);
    const { owner, sidecar } = await openOwnerRoute(request);
    if (!owner.account) throw new AppError("unauthorized:account", SIGNED_OUT_MESSAGE);
    const { sessionId } = owner.account;
    const { signedOut } = await callSidecar(() => sidecar.signOutAccount(sessionId, input));
    const thisDevice = input.device === undefined || input.device === sessionId;
    return json({ signedOut }, { owner: thisDevice ? { id: owner.id, setCookies: [CLEARED_ACCOUNT_COOKIE] } : owner });
  });
}
