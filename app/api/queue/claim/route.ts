import { botRoute, readBotBody } from "@/lib/server/bot-route";

/** `{ messageId, workerId, leaseMs? }` → a lease (404 unknown message, 409 not pending). */
export async function POST(request: Request) {
  return botRoute("POST queue claim", request, async (sidecar, token) => sidecar.queueClaim(token, await readBotBody(request)));
}
