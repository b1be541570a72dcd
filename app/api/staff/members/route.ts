import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff } from "@/lib/server/staff";

/** Every staff member with role, state, last sign-in and passkeys (admins only). */
export function GET(request: Request) {
  return handle("GET staff members", async () => {
    const { token } = await requireStaff(request, ["admin"]);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffMembers(token)));
  });
}
