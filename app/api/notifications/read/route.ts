import { callSidecar } from "@/lib/server/call-sidecar";
import { MarkRead } from "@/lib/notifications/schemas";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";

/** Marks `{ ids }` or `{ all: true }` of the caller's notifications read; 404 when none of the ids is theirs. */
export function POST(request: Request) {
  return handle("POST notifications read", async () => {
    const body = await readJsonBody(request, MarkRead);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.markNotificationsRead(owner.id, body, client), { idempotent: true }), { owner });
  });
}
