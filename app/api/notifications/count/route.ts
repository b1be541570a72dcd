import { callSidecar, UNAVAILABLE_MESSAGE } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import type { BellState } from "@/lib/notifications/schemas";
import { knownVisitor } from "@/lib/server/visitor";
import { handle, json, requireSameOrigin } from "@/lib/server/http";
import { getOwnerSecret, getSidecar } from "@/lib/server/sidecar";

/**
 * The bell's unread count (reading it writes nothing). Unlike the other owner routes it mints
 * no owner: a browser without the cookie has been sent nothing (`live: false`), once a ping says
 * the sidecar is there (without it, 503 like every owner route: the fallback shows no bell).
 */
export function GET(request: Request) {
  return handle("GET notification count", async () => {
    requireSameOrigin(request);
    const sidecar = await getSidecar();
    const owner = await knownVisitor(request, await getOwnerSecret(), sidecar);
    if (!owner) {
      try {
        // Without the sidecar (next dev alone) the binding may throw before any promise exists.
        await sidecar.ping();
      } catch (error) {
        throw new AppError("persistence_unavailable:sidecar", UNAVAILABLE_MESSAGE, undefined, { cause: error });
      }
      return json({ unread: 0, live: false } satisfies BellState);
    }
    const { unread } = await callSidecar(() => sidecar.notificationCount(owner.id), { idempotent: true });
    return json({ unread, live: true } satisfies BellState, { owner });
  });
}
