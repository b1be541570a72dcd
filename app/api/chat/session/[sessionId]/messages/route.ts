import { handle, json, parseQuery, readJsonBody } from "@/lib/server/http";
import { openSessionRoute } from "@/lib/server/session-route";
import { ListMessagesQuery, PostMessageBody } from "./schema";

type Context = { params: Promise<{ sessionId: string }> };

/** `?after=SEQ&limit=N` for new messages, `?before=SEQ` for older history. */
export function GET(request: Request, { params }: Context) {
  return handle("GET messages", async () => {
    const query = parseQuery(request, ListMessagesQuery);
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.listMessages(query), { owner });
  });
}

/** Adds the student's message (the first one creates the session) and returns the assistant's replies. */
export function POST(request: Request, { params }: Context) {
  return handle("POST message", async () => {
    const message = await readJsonBody(request, PostMessageBody);
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.sendMessage(message), { owner, status: 201 });
  });
}
