import type { SidecarApi } from "../lib/sidecar-api";
import { NOTIFICATIONS_SOCKET_PATH, SOCKET_PATH } from "../lib/socket-protocol";
import { clock } from "../lib/time";
import { purgeExpiredStaffTokens } from "../services/db/staff";
import { runHardDelete } from "../services/hard-delete";
import { sweepAccounts } from "../services/accounts";
import { handleInternal } from "./internal";
import { openNotificationSocket } from "./notification-socket";
import { AccountsRpc } from "./rpc/accounts";
import { openSocket } from "./socket-route";

export { ChatSession } from "../durable-objects/chat-session";
export { MessageQueue } from "../durable-objects/message-queue";
export { SessionManager } from "../durable-objects/session-manager";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { Analytics } from "../durable-objects/analytics";
export { StudentMemory } from "../durable-objects/student-memory";
export { MailOutbox } from "../durable-objects/mail-outbox";
export { Waitlist } from "../durable-objects/waitlist";
export { Notifications } from "../durable-objects/notifications";
export { Center } from "../durable-objects/center";

/**
 * The sidecar's front door: typed RPC for the web worker's SIDECAR binding (lib/sidecar-api.ts),
 * its methods grouped by capability in workers/rpc/ (bots, chats, bookings, memory, notifications,
 * staff access, staff desks, student accounts); plain HTTP for sockets and the internal endpoints; the weekly cron.
 */
export default class Sidecar extends AccountsRpc implements SidecarApi {
  /** Plain HTTP is not an API here: a health check, chat sockets (by ticket), and the key-guarded internal endpoints. */
  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return Response.json({ ok: true });
    const socket = SOCKET_PATH.exec(pathname);
    if (socket) return openSocket(request, this.env, socket[1]!);
    if (pathname === NOTIFICATIONS_SOCKET_PATH) return openNotificationSocket(request, this.env);
    if (pathname.startsWith("/internal/")) return handleInternal(request, this.env);
    return Response.json({ error: { code: "not_found", message: "The sidecar speaks RPC." } }, { status: 404 });
  }

  /** Weekly cron (`0 0 * * 0`): hard delete of chats past their tier's grace period, old staff tokens and sign-in links, and any account merge a failure left half done. */
  override async scheduled(controller: ScheduledController): Promise<void> {
    const now = clock.fromPlatform(controller.scheduledTime);
    // Independent: a failed token sweep must not stop the chats' hard delete, nor the reverse.
    const [chats, tokens, accounts] = await Promise.allSettled([runHardDelete(this.env, now), purgeExpiredStaffTokens(this.env.DB, { now }), sweepAccounts(this.env, now)]);
    if (accounts.status === "fulfilled") console.log(`[accounts] links purged=${accounts.value.links} rows moved by merges=${accounts.value.moved} still pending=${accounts.value.pending}`);
    else console.error("[accounts] sweep failed", accounts.reason);
    if (tokens.status === "fulfilled") console.log(`[staff-purge] sessions=${tokens.value.sessions} invites=${tokens.value.invites} challenges=${tokens.value.challenges}`);
    else console.error("[staff-purge] failed", tokens.reason);
    if (chats.status === "rejected") throw chats.reason;
  }
}
