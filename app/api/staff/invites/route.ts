import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { inviteLink, requireStaff, requireStaffChange } from "@/lib/server/staff";
import { InviteBody } from "./schema";

/** Invites neither used, revoked nor expired (admins only). */
export function GET(request: Request) {
  return handle("GET staff invites", async () => {
    const { token } = await requireStaff(request, ["admin"]);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffPendingInvites(token)));
  });
}

/** An admin invites a colleague: a one-time link, valid 24 h, that replaces any still open for the address; 409 for an existing member's. */
export function POST(request: Request) {
  return handle("POST staff invite", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const invite = await readJsonBody(request, InviteBody);
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: a second invite would replace the first.
    const created = await callSidecar(() => sidecar.staffInvite(token, invite), { idempotent: false });
    return json({ link: await inviteLink(created.inviteToken), expiresAt: created.expiresAt }, { status: 201 });
  });
}
