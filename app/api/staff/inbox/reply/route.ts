import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { z } from "@/lib/zod";

const Reply = z.object({ messageId: z.string().min(1).max(200), leaseId: z.string().min(1).max(100), reply: z.string().max(16_000) }).strict();

/** Answers a claimed message; it appears in the student's chat (the same lease again is a no-op). */
export function POST(request: Request) {
  return handle("POST staff reply", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const reply = await readJsonBody(request, Reply);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffReply(token, reply)));
  });
}
