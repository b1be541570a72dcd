import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { SubjectAliasParams } from "../schema";

type Context = { params: Promise<{ aliasKey: string }> };

/** Removes an alias by its key (staff and admins); 404 when there is none. */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE staff subject alias", async () => {
    const { token } = await requireStaffChange(request, ["admin", "staff"]);
    const { aliasKey } = parseParams(await params, SubjectAliasParams, new AppError("not_found:subject_alias", "There is no such alias."));
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffRemoveSubjectAlias(token, aliasKey)));
  });
}
