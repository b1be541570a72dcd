import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, readJsonBody } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaff, requireStaffChange } from "@/lib/server/staff";
import { SubjectAliasBody } from "./schema";

/** The center's names for its subjects ("MATH 151" → Calculus I) and the subjects one may name (any staff role may look). */
export function GET(request: Request) {
  return handle("GET staff subject aliases", async () => {
    const { token } = await requireStaff(request);
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffSubjectAliases(token)));
  });
}

/** Adds an alias (staff and admins); the assistant reads it from the next message on. 409 when it already names a subject. */
export function POST(request: Request) {
  return handle("POST staff subject alias", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const input = await readJsonBody(request, SubjectAliasBody);
    const sidecar = await getSidecar();
    // Not repeated on a dropped call: the second insert would answer 409 for an alias just added.
    return json(await callSidecar(() => sidecar.staffAddSubjectAlias(token, input), { idempotent: false }), { status: 201 });
  });
}
