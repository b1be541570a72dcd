import { callSidecar } from "@/lib/server/call-sidecar";
import { CLEARED_ACCOUNT_COOKIE } from "@/lib/server/account-cookie";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute, rotatedOwner } from "@/lib/server/owner-route";

/**
 * "Forget me": everything the caller's owner id holds but the center's booking records is deleted;
 * answers what went and what was kept, and gives the browser a new owner id (the old one is dead).
 * A retry within minutes lands on the same new id.
 */
export function POST(request: Request) {
  return handle("POST memory forget-me", async () => {
    const { owner, sidecar, client } = await openOwnerRoute(request);
    const { newOwnerId, ...summary } = await callSidecar(() => sidecar.forgetMe(owner.id, client));
    const rotated = await rotatedOwner(request, newOwnerId);
    // A signed-in student's account went with its owner id: this browser is signed out too.
    if (owner.account) rotated.setCookies.push(CLEARED_ACCOUNT_COOKIE);
    return json(summary, { owner: rotated });
  });
}
