import { botRoute, readBotBody } from "@/lib/server/bot-route";

/** `{ messageId }`: a dead letter back to pending with its attempts reset. */
export async function POST(request: Request) {
  return botRoute("POST queue requeue", request, async (sidecar, token) => {
    const body = await readBotBody(request);
    return sidecar.queueRequeue(token, typeof body === "object" && body !== null && "messageId" in body ? body.messageId : undefined);
  });
}
