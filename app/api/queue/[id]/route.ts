import { botRoute, readBotBody } from "@/lib/server/bot-route";

type Context = { params: Promise<{ id: string }> };

/** `{ priority: 1..10 }` for a pending message. */
export async function PATCH(request: Request, { params }: Context) {
  const { id } = await params;
  return botRoute("PATCH queue message", request, async (sidecar, token) => {
    const body = await readBotBody(request);
    const priority = typeof body === "object" && body !== null && "priority" in body ? body.priority : undefined;
    return sidecar.queueSetPriority(token, { messageId: id, priority });
  });
}
