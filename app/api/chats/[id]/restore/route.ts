import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { handle, json, parseParams } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { ChatParams } from "../schema";

type Context = { params: Promise<{ id: string }> };

/** Back from the trash within the owner's tier's grace period (30/90/365 days); 410 after it. */
export function POST(request: Request, { params }: Context) {
  return handle("POST restore chat", async () => {
    const { id } = parseParams(await params, ChatParams, new AppError("not_found:chat", "You have no chat with that id."));
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json({ chat: await callSidecar(() => sidecar.restoreChat(id, owner.id, client)) }, { owner });
  });
}
