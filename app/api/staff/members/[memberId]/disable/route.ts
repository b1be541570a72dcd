import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { MemberParams, noMember } from "../../schema";

type Context = { params: Promise<{ memberId: string }> };

/** An admin disables a member: every session they hold ends at once (idempotent); 409 for the last enabled admin. */
export function POST(request: Request, { params }: Context) {
  return handle("POST staff member disable", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { memberId } = parseParams(await params, MemberParams, noMember());
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffDisableMember(token, memberId)));
  });
}
