import { AppError } from "@/lib/errors";
import { SIGNED_OUT_MESSAGE } from "@/lib/accounts/schemas";
import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

// The wire shape of this route lives in the shared module both workers import.
export type { AccountView } from "./schema";

/** The account page: the address and the devices signed in. 401 when this browser is not signed in. */
export function GET(request: Request) {
  return handle("GET account", async () => {
    const { owner, sidecar } = await openOwnerRoute(request);
    if (!owner.account) throw new AppError("unauthorized:account", SIGNED_OUT_MESSAGE);
    const { sessionId } = owner.account;
    return json(await callSidecar(() => sidecar.accountOverview(sessionId)), { owner });
  });
}
