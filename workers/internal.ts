import { AppError } from "../lib/errors";
import { SessionId } from "../lib/schemas";
import type { ChatSession } from "../durable-objects/chat-session";
import { secretMatches } from "./secrets";

/**
 * The sidecar's only HTTP surface besides /health: operator endpoints that
 * require `X-Internal-Key` (compared in constant time; 403 otherwise).
 *   POST /internal/chats/{sessionId}/cleanup → empties that chat's Durable Object.
 */
export async function handleInternal(
  request: Request,
  env: { INTERNAL_KEY: string; CHAT_SESSION: DurableObjectNamespace<ChatSession> },
): Promise<Response> {
  if (!(await secretMatches(request.headers.get("x-internal-key"), env.INTERNAL_KEY))) {
    return new AppError("forbidden:internal", "A valid X-Internal-Key header is required.").toResponse();
  }
  const match = /^\/internal\/chats\/([^/]+)\/cleanup$/.exec(new URL(request.url).pathname);
  if (!match || request.method !== "POST") {
    return Response.json({ error: { code: "not_found", message: "No such internal endpoint." } }, { status: 404 });
  }
  const id = SessionId.safeParse(match[1]);
  if (!id.success) return new AppError("bad_request:params", "Not a chat session id.").toResponse();
  const result = await env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(id.data)).destroy();
  return Response.json(result);
}
