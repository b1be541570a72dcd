import { notificationsOf } from "../services/objects";
import { openSocketDoor } from "./socket-door";

/** The claim a notifications ticket carries in place of a chat id. */
export const NOTIFICATIONS_TICKET_SUBJECT = "notifications";

/**
 * `GET /api/notifications/socket?ticket=…` with `Upgrade: websocket`: the bell's live count, routed
 * exactly like a chat's socket. Only a ticket minted for notifications passes (a chat ticket is signed
 * with another derived key); the owner's own Notifications object then spends its nonce.
 */
export async function openNotificationSocket(request: Request, env: Pick<Env, "NOTIFICATIONS" | "INTERNAL_KEY" | "DB">): Promise<Response> {
  return openSocketDoor(request, env, {
    purpose: "notifications",
    fits: (claims) => claims.sessionId === NOTIFICATIONS_TICKET_SUBJECT,
    refused: "The socket ticket is missing, expired or not for notifications. Ask for a new one.",
    to: (claims) => notificationsOf(env, claims.ownerId),
  });
}
