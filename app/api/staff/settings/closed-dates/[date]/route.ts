import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { handle, json, parseParams } from "@/lib/server/http";
import { getSidecar } from "@/lib/server/sidecar";
import { requireStaffChange } from "@/lib/server/staff";
import { ClosedDateParams } from "../schema";

type Context = { params: Promise<{ date: string }> };

/** An admin opens a closed date again (removing one that is not closed changes nothing). */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE staff closed date", async () => {
    const { token } = await requireStaffChange(request, ["admin"]);
    const { date } = parseParams(await params, ClosedDateParams, new AppError("bad_request:params", "Not a date (YYYY-MM-DD)."));
    const sidecar = await getSidecar();
    return json(await callSidecar(() => sidecar.staffRemoveClosedDate(token, date)));
  });
}
