import { callSidecar } from "@/lib/chat-session-client";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { NewStaffInvite } from "@/lib/staff/schemas";

/** An admin invites a colleague: a one-time link, valid 24 h, that registers their passkey. */
export function POST(request: Request) {
  return handle("POST staff invite", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const invite = await readJsonBody(request, NewStaffInvite);
    const sidecar = await getSidecar();
    const created = await callSidecar(() => sidecar.staffInvite(token, invite));
    const link = new URL(`/staff/invite/${created.inviteToken}`, `${new URL(request.url).protocol}//${request.headers.get("host") ?? new URL(request.url).host}`);
    return json({ link: link.href, expiresAt: created.expiresAt }, { status: 201 });
  });
}
