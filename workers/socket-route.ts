import { AppError } from "../lib/errors";
import { SessionId } from "../lib/schemas";
import { chatSession } from "../services/objects";
import { openSocketDoor } from "./socket-door";

/**
 * `GET /api/chat/session/{id}/socket?ticket=…` with `Upgrade: websocket`, reached through the web
 * worker's custom entry (production) or next dev's rewrite (development). The chat's object then
 * checks that the ticket's owner owns the chat and accepts the socket.
 */
export async function openSocket(request: Request, env: Pick<Env, "CHAT_SESSION" | "INTERNAL_KEY" | "DB">, rawId: string): Promise<Response> {
  const sessionId = SessionId.safeParse(safeDecode(rawId));
  return openSocketDoor(request, env, {
    purpose: "chat",
    refuseFirst: () => (sessionId.success ? null : new AppError("not_found:session", "No chat session with that id belongs to you.").toResponse()),
    fits: (claims) => sessionId.success && claims.sessionId === sessionId.data,
    refused: "The socket ticket is missing, expired or for another chat. Ask for a new one.",
    to: (claims) => chatSession(env, claims.sessionId),
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}
