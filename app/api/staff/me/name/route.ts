import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { DisplayNameBody } from "./schema";

/** The signed-in member's name on their replies in students' chats ("Sam · Tutoring center"); their own only. */
export function PUT(request: Request) {
  return handle("PUT staff name", async () => {
    const { token } = await requireStaffChange(request);
    const body = await readJsonBody(request, DisplayNameBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffSetDisplayName(token, body)));
  });
}
