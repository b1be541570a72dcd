import { AppError } from "../lib/errors";
import { isWebSocketUpgrade, withSocketPass } from "../lib/socket-door";
import { clock } from "../lib/time";
import { verifyTicket, type TicketClaims, type TicketPurpose } from "../services/socket-ticket";

/**
 * The sidecar's side of a socket door (the chat's and the bell's): only an upgrade, only with a
 * ticket of this purpose that `fits` (after `refuseFirst`, e.g. a malformed id), checked here before any Durable Object is touched; then the
 * upgrade goes to the object `to` names, with the pass it reads back (lib/socket-door.ts). Its 101
 * is returned exactly as it came: wrapping it in a new Response would drop the socket.
 */
export async function openSocketDoor(
  request: Request,
  internalKey: string,
  door: { purpose: TicketPurpose; refuseFirst?: () => Response | null; fits: (claims: TicketClaims) => boolean; refused: string; to: (claims: TicketClaims) => { fetch: (url: string, init: RequestInit) => Promise<Response> } },
): Promise<Response> {
  if (!isWebSocketUpgrade(request)) return new AppError("upgrade_required:socket", "This endpoint only accepts WebSocket upgrades.").toResponse();
  const refused = door.refuseFirst?.();
  if (refused) return refused;
  const claims = await verifyTicket(internalKey, new URL(request.url).searchParams.get("ticket"), clock.now(), door.purpose);
  if (!claims || !door.fits(claims)) return new AppError("unauthorized:socket", door.refused).toResponse();
  return door.to(claims).fetch(request.url, { method: "GET", headers: withSocketPass(request, claims) });
}
