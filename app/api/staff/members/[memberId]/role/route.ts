import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { MemberParams, noMember, RoleChangeBody } from "../../schema";

type Context = { params: Promise<{ memberId: string }> };

/** An admin changes a member's role (a tutor's names the tutor); 409 when no enabled admin would remain. */
export function PUT(request: Request, { params }: Context) {
  return handle("PUT staff member role", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { memberId } = parseParams(await params, MemberParams, noMember());
    const change = await readJsonBody(request, RoleChangeBody);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffChangeRole(token, memberId, change)));
  });
}
