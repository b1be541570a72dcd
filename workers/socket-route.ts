import { AppError } from "../lib/errors";
import { SessionId } from "../lib/schemas";
import { SOCKET_EXPIRES_HEADER, SOCKET_NONCE_HEADER, SOCKET_OWNER_HEADER } from "../durable-objects/chat-session";
import { chatSession } from "./assistant-turn";
import { verifyTicket } from "./socket-ticket";
import { clock } from "../lib/time";

/**
 * `GET /api/chat/session/{id}/socket?ticket=…` with `Upgrade: websocket`,
 * reached through the web worker's custom entry (production) or next dev's
 * rewrite (development). The ticket is checked here, before any Durable
 * Object is touched; the chat's object then checks that the ticket's owner
 * owns the chat and accepts the socket. Its 101 response is returned exactly
 * as it came: wrapping it in a new Response would drop the socket.
 */
export async function openSocket(request: Request, env: Pick<Env, "CHAT_SESSION" | "INTERNAL_KEY">, rawId: string): Promise<Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new AppError("upgrade_required:socket", "This endpoint only accepts WebSocket upgrades.").toResponse();
  }
  const sessionId = SessionId.safeParse(safeDecode(rawId));
  if (!sessionId.success) return new AppError("not_found:session", "No chat session with that id belongs to you.").toResponse();
  const claims = await verifyTicket(env.INTERNAL_KEY, new URL(request.url).searchParams.get("ticket"), clock.now());
  if (!claims || claims.sessionId !== sessionId.data) {
    return new AppError("unauthorized:socket", "The socket ticket is missing, expired or for another chat. Ask for a new one.").toResponse();
  }
  // Only the sidecar reaches the object, so these headers are ours: any the caller sent are replaced.
  const headers = new Headers(request.headers);
  headers.set(SOCKET_OWNER_HEADER, claims.ownerId);
  headers.set(SOCKET_NONCE_HEADER, claims.nonce);
  headers.set(SOCKET_EXPIRES_HEADER, String(claims.expiresAt));
  return chatSession(env, sessionId.data).fetch(request.url, { method: "GET", headers });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}
