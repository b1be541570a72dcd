import { z } from "@/lib/zod";
import { AppError } from "@/lib/errors";
import { handle, json, parseParams, readJsonBody } from "@/lib/server/http";
import { openSessionRoute } from "@/lib/server/session-route";
import { MessageIdParam, PutFeedbackBody } from "./schema";

type Context = { params: Promise<{ sessionId: string; messageId: string }> };

const MessageParams = z.object({ messageId: MessageIdParam });
const unknownReply = new AppError("not_found:message", "This chat has no assistant reply with that id.");

/** The student's 👍/👎 on one assistant reply, `{ vote: "up" | "down" | null }`; null clears it. */
export function PUT(request: Request, { params }: Context) {
  return handle("PUT feedback", async () => {
    const { vote } = await readJsonBody(request, PutFeedbackBody);
    const { messageId } = parseParams(await params, MessageParams, unknownReply);
    const { owner, client } = await openSessionRoute(request, params);
    return json(await client.rateReply(messageId, vote), { owner });
  });
}
