import { callSidecar } from "@/lib/server/call-sidecar";
import { handle, json, parseQuery } from "@/lib/server/http";
import { openOwnerRoute } from "@/lib/server/owner-route";
import { ChatListQuery } from "./schema";

/** The caller's chats, newest first; `?deleted=1` lists the trash with each chat's purge date. */
export function GET(request: Request) {
  return handle("GET chats", async () => {
    const { deleted } = parseQuery(request, ChatListQuery);
    const { owner, sidecar } = await openOwnerRoute(request);
    return json({ chats: await callSidecar(() => sidecar.listChats(owner.id, deleted === "1")) }, { owner });
  });
}
