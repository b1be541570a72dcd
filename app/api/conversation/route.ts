import { botRoute, queryParams } from "@/lib/server/bot-route";

/** `?sessionId=&limit=100`: a chat's recent messages for a bot's context, one indexed read of ≤ limit rows. */
export function GET(request: Request) {
  return botRoute("GET conversation", request, (sidecar, token) => sidecar.queueConversation(token, queryParams(request)));
}
