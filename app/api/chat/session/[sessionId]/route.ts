import { handle, json, readJsonBody } from "@/lib/server/http";
import { openSessionRoute } from "@/lib/server/session-route";
import { PatchSessionBody } from "./schema";

type Context = { params: Promise<{ sessionId: string }> };

/** The session's fields and newest page of messages. */
export function GET(request: Request, { params }: Context) {
  return handle("GET session", async () => {
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.getState(), { owner });
  });
}

/** Overwrites some of pendingMatch / bookingInfo / searchCriteria / availableTutors. */
export function PATCH(request: Request, { params }: Context) {
  return handle("PATCH session", async () => {
    const patch = await readJsonBody(request, PatchSessionBody);
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.patchState(patch), { owner });
  });
}
