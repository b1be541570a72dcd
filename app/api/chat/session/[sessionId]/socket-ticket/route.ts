import { handle, json } from "@/lib/server/http";
import { openSessionRoute } from "@/lib/server/session-route";

type Context = { params: Promise<{ sessionId: string }> };

/**
 * A one-use, 60-second ticket for this chat's socket, for the owner the cookie
 * names (a browser cannot set headers on a WebSocket). Whether that owner owns
 * the chat is checked when the socket opens; anyone else is refused there.
 */
export function POST(request: Request, { params }: Context) {
  return handle("POST socket ticket", async () => {
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.socketTicket(), { owner });
  });
}
