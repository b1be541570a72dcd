import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { z } from "@/lib/zod";

const Claim = z.object({ messageId: z.string().min(1).max(200) }).strict();

/** Takes a message for this staff member (15 minutes); the student sees someone is on it. */
export function POST(request: Request) {
  return handle("POST staff claim", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const { messageId } = await readJsonBody(request, Claim);
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: a second claim of the same message would be refused anyway.
    return json(await callSidecar(() => sidecar.staffClaim(token, messageId), { idempotent: false }));
  });
}
