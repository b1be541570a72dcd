import { botRoute, readBotBody } from "@/lib/server/bot-route";

/** `{ workerId, leaseMs? }` → the best pending message's lease, or `{ lease: null }`. */
export async function POST(request: Request) {
  return botRoute("POST queue claim-next", request, async (sidecar, token) => sidecar.queueClaimNext(token, await readBotBody(request)));
}
