import { botRoute, queryParams } from "@/lib/server/bot-route";

/** `?after=SEQ&limit=N`: the staff feed of every message and reply, by a monotonic sequence cursor. */
export function GET(request: Request) {
  return botRoute("GET comments", request, (sidecar, token) => sidecar.queueFeed(token, queryParams(request)));
}
