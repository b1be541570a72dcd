import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** What the assistant remembers about the caller, newest first, each fact with its source. */
export function GET(request: Request) {
  return handle("GET memory", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.memoryFacts(owner.id)), { owner });
  });
}
