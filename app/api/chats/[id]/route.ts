import { callSidecar } from "@/lib/server/call-sidecar";
import { AppError } from "@/lib/errors";
import { handle, json, parseParams } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { ChatParams } from "./schema";

type Context = { params: Promise<{ id: string }> };

/** Soft delete: the chat goes to the trash and its state becomes unreachable until restored. */
export function DELETE(request: Request, { params }: Context) {
  return handle("DELETE chat", async () => {
    const { id } = parseParams(await params, ChatParams, new AppError("not_found:chat", "You have no chat with that id."));
    const { owner, sidecar, client } = await openOwnerRoute(request);
    return json({ chat: await callSidecar(() => sidecar.deleteChat(id, owner.id, client)) }, { owner });
  });
}
