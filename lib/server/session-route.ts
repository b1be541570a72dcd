import { z } from "../zod";
import { AppError } from "../errors";
import { SessionId } from "../schemas";
import { callerOf, parseParams, requireSameOrigin } from "./http";
import type { Owner } from "./owner-cookie";
import { chatSessionClient, getOwnerSecret, getSidecar } from "./sidecar";
import { identifyVisitor } from "./visitor";

const SessionParams = z.object({ sessionId: SessionId });

const unknownSession = new AppError("not_found:session", "No chat session with that id belongs to you.");

/**
 * The common opening of every session route: validate the id, reach the
 * sidecar (503 without it), identify the owner. Ownership itself is checked
 * by the ChatSession object, which answers 404 to anyone else.
 */
export async function openSessionRoute(
  request: Request,
  params: Promise<unknown>,
): Promise<{ owner: Owner; client: Awaited<ReturnType<typeof chatSessionClient>> }> {
  requireSameOrigin(request);
  const { sessionId } = parseParams(await params, SessionParams, unknownSession);
  const owner = await identifyVisitor(request, await getOwnerSecret(), await getSidecar());
  // Cloudflare sets CF-Connecting-IP on every request it forwards; locally it may be absent.
  return { owner, client: await chatSessionClient(sessionId, owner.id, callerOf(request)?.ip) };
}
