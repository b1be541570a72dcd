import { AppError } from "../lib/errors";
import { isWebSocketUpgrade, withSocketPass } from "../lib/socket-door";
import { clock } from "../lib/time";
import { verifyTicket, type TicketClaims, type TicketPurpose } from "../services/socket-ticket";
import { centerOfOwner } from "../lib/center/ids";
import { hostCache, hostOf } from "../lib/center/host-cache";
import { centerForHost } from "../services/db/centers";

/** The center each host names, kept 60 s per host in this isolate (one indexed read a minute per host). */
const hostCenter = hostCache<string>();

/**
 * The sidecar's side of a socket door (the chat's and the bell's): only an upgrade, only with a
 * ticket of this purpose that `fits` (after `refuseFirst`, e.g. a malformed id), checked here before any Durable Object is touched; then the
 * upgrade goes to the object `to` names, with the pass it reads back (lib/socket-door.ts). Its 101
 * is returned exactly as it came: wrapping it in a new Response would drop the socket.
 *
 * The ticket names its owner, so its center follows; it opens a socket only at the host of that
 * center (the web worker forwards the upgrade with the host it came to), so a ticket carried to
 * another center's host is refused like any unfit one.
 */
export async function openSocketDoor(
  request: Request,
  env: Pick<Env, "INTERNAL_KEY" | "DB">,
  door: { purpose: TicketPurpose; refuseFirst?: () => Response | null; fits: (claims: TicketClaims) => boolean; refused: string; to: (claims: TicketClaims) => { fetch: (url: string, init: RequestInit) => Promise<Response> } },
): Promise<Response> {
  if (!isWebSocketUpgrade(request)) return new AppError("upgrade_required:socket", "This endpoint only accepts WebSocket upgrades.").toResponse();
  const refused = door.refuseFirst?.();
  if (refused) return refused;
  const now = clock.now();
  const claims = await verifyTicket(env.INTERNAL_KEY, new URL(request.url).searchParams.get("ticket"), now, door.purpose);
  if (!claims || !door.fits(claims)) return new AppError("unauthorized:socket", door.refused).toResponse();
  const center = await hostCenter(hostOf(request.headers, request.url), now, async (host) => (await centerForHost(env.DB, { host })).id);
  if (centerOfOwner(claims.ownerId) !== center) return new AppError("unauthorized:socket", door.refused).toResponse();
  return door.to(claims).fetch(request.url, { method: "GET", headers: withSocketPass(request, claims) });
}
