import { botRoute, readBotBody } from "@/lib/server/bot-route";

/** `{ messageId, leaseId, reply }`: idempotent; the reply reaches the student's chat once. */
export async function POST(request: Request) {
  return botRoute("POST queue complete", request, async (sidecar, token) => sidecar.queueComplete(token, await readBotBody(request)));
}
