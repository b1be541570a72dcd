import { callSidecar } from "@/lib/chat-session-client";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** "Forget me": every chat of the caller hard-deleted and their memory's storage deleted; answers what went. */
export function POST(request: Request) {
  return handle("POST memory forget-me", async () => {
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.forgetMe(owner.id, client)), { owner });
  });
}
