import { AppError } from "@/lib/errors";
import { handle, json } from "@/lib/server/http";
import { identifyVisitor } from "@/lib/server/visitor";
import { getOwnerSecret, getSidecar } from "@/lib/server/sidecar";

/**
 * Whether chat persistence is reachable: the page shows its "not saved" notice
 * from this. It is the page's first request, so it also mints the owner cookie:
 * the requests that follow in parallel then all carry the same owner, instead
 * of each minting its own and the last Set-Cookie winning.
 */
export function GET(request: Request) {
  return handle("GET health", async () => {
    try {
      const sidecar = await getSidecar();
      await sidecar.ping();
      const owner = await identifyVisitor(request, await getOwnerSecret(), sidecar);
      return json({ persistence: true }, { owner });
    } catch (error) {
      const reason = error instanceof AppError ? error.message : "The chat service could not be reached.";
      return json({ persistence: false, reason });
    }
  });
}
