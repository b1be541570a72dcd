import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { z } from "@/lib/zod";

const Requeue = z.object({ messageId: z.string().min(1).max(200) }).strict();

/** Puts a dead letter back in the inbox. */
export function POST(request: Request) {
  return handle("POST staff requeue", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const { messageId } = await readJsonBody(request, Requeue);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffRequeue(token, messageId)));
  });
}
