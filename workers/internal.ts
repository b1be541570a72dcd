import { AppError } from "../lib/errors";
import { SessionId } from "../lib/schemas";
import { hardDeleteChat } from "../services/hard-delete";
import { secretMatches } from "../services/secrets";
import { clock } from "../lib/time";

/**
 * The sidecar's only HTTP surface besides /health: operator endpoints that
 * require `X-Internal-Key` (compared in constant time; 403 otherwise).
 *   POST /internal/chats/{sessionId}/cleanup → hard-deletes that chat now: its D1 row, its
 *   Durable Object's storage and the queue's copies of its text (the weekly run's steps).
 */
export async function handleInternal(
  request: Request,
  env: Pick<Env, "INTERNAL_KEY" | "DB" | "CHAT_SESSION" | "MESSAGE_QUEUE">,
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
  return Response.json(await hardDeleteChat(env, id.data, clock.now()));
}
