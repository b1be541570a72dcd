import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { noPasskey, PasskeyParams } from "../../../schema";

type Context = { params: Promise<{ memberId: string; credentialId: string }> };

/** An admin removes one of a member's passkeys: it signs nobody in again, and the sessions it opened end. */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE staff member passkey", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { memberId, credentialId } = parseParams(await params, PasskeyParams, noPasskey());
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: the second try would answer 404 for a removal that happened.
    return json(await callSidecar(() => sidecar.staffRemovePasskey(token, memberId, credentialId), { idempotent: false }));
  });
}
