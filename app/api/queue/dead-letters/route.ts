import { botRoute, queryParams } from "@/lib/server/bot-route";

/** Messages that failed every delivery: for staff to inspect and requeue. */
export function GET(request: Request) {
  return botRoute("GET queue dead letters", request, (sidecar, token) => sidecar.queueDeadLetters(token, queryParams(request).limit));
}
