import { AppError } from "@/lib/errors";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";

/** Whether chat persistence is reachable: the page shows its "not saved" notice from this. */
export function GET() {
  return handle("GET health", async () => {
    try {
      const sidecar = await getSidecar();
      await sidecar.ping();
      return json({ persistence: true });
    } catch (error) {
      const reason = error instanceof AppError ? error.message : "The chat service could not be reached.";
      return json({ persistence: false, reason });
    }
  });
}
