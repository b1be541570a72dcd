import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { FactCorrection } from "@/lib/memory/correction";
import { handle, json, parseParams, readJsonBody } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { FactParams } from "./schema";

type Context = { params: Promise<{ factId: string }> };

const NO_FACT = new AppError("not_found:memory", "The assistant remembers no such fact about you.");

/** Forgets one fact; 404 when the caller's memory holds no such fact. */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE memory fact", async () => {
    const { factId } = parseParams(await params, FactParams, NO_FACT);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json(await callSidecar(() => sidecar.memoryForget(owner.id, factId, client)), { owner });
  });
}

/** The student's own value for a name, email, preference or goal (`{ value }`); 400 for anything else. */
export function PUT(request: Request, { params }: Context) {
  return handle("PUT memory fact", async () => {
    const { factId } = parseParams(await params, FactParams, NO_FACT);
    const { owner, sidecar, client } = await openOwnerRoute(request);
    const { value } = await readJsonBody(request, FactCorrection);
    return json(await callSidecar(() => sidecar.memoryCorrect(owner.id, factId, value, client)), { owner });
  });
}
