import { botRoute, queryParams } from "@/lib/server/bot-route";

/** Pending messages, best first (priority, then age): served from memory, 0 storage rows. */
export function GET(request: Request) {
  return botRoute("GET queue pending", request, (sidecar, token) => sidecar.queuePending(token, queryParams(request).limit));
}
