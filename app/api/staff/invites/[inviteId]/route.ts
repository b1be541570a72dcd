import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { InviteParams, noInvite } from "../schema";

type Context = { params: Promise<{ inviteId: string }> };

/** An admin revokes a pending invite: its link stops working at once (404 when it is not pending). */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE staff invite", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { inviteId } = parseParams(await params, InviteParams, noInvite());
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffRevokeInvite(token, inviteId), { idempotent: false }));
  });
}
