import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { inviteLink, requireStaffChange } from "@/lib/server/staff";
import { MemberParams, noMember } from "../../schema";

type Context = { params: Promise<{ memberId: string }> };

/** An admin makes a one-time link that adds a passkey (a new or lost device) to an existing member, role unchanged. */
export function POST(request: Request, { params }: Context) {
  return handle("POST staff member passkey link", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { memberId } = parseParams(await params, MemberParams, noMember());
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: a second link would replace the first.
    const created = await callSidecar(() => sidecar.staffPasskeyLink(token, memberId), { idempotent: false });
    return json({ link: await inviteLink(created.inviteToken), expiresAt: created.expiresAt }, { status: 201 });
  });
}
