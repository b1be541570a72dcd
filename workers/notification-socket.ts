import { AppError } from "../lib/errors";
import { NOTIFY_EXPIRES_HEADER, NOTIFY_NONCE_HEADER, NOTIFY_OWNER_HEADER } from "../durable-objects/notifications";
import { notificationsOf } from "./notify";
import { verifyTicket } from "./socket-ticket";
import { clock } from "../lib/time";

/** The claim a notifications ticket carries in place of a chat id. */
export const NOTIFICATIONS_TICKET_SUBJECT = "notifications";

/**
 * `GET /api/notifications/socket?ticket=…` with `Upgrade: websocket`: the bell's
 * live count, routed exactly like a chat's socket (worker.ts in production,
 * next dev's rewrite in development). Only a ticket minted for notifications
 * passes (a chat ticket is signed with another derived key); the owner's own
 * Notifications object then spends its nonce and accepts the socket. The 101
 * comes back as it came.
 */
export async function openNotificationSocket(request: Request, env: Pick<Env, "NOTIFICATIONS" | "INTERNAL_KEY">): Promise<Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new AppError("upgrade_required:socket", "This endpoint only accepts WebSocket upgrades.").toResponse();
  }
  const claims = await verifyTicket(env.INTERNAL_KEY, new URL(request.url).searchParams.get("ticket"), clock.now(), "notifications");
  if (!claims || claims.sessionId !== NOTIFICATIONS_TICKET_SUBJECT) {
    return new AppError("unauthorized:socket", "The socket ticket is missing, expired or not for notifications. Ask for a new one.").toResponse();
  }
  const headers = new Headers(request.headers);
  headers.set(NOTIFY_OWNER_HEADER, claims.ownerId);
  headers.set(NOTIFY_NONCE_HEADER, claims.nonce);
  headers.set(NOTIFY_EXPIRES_HEADER, String(claims.expiresAt));
  return notificationsOf(env, claims.ownerId).fetch(request.url, { method: "GET", headers });
}
