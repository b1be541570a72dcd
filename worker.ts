// The web worker's entry: the OpenNext build of the Next.js app, with one path caught before Next.
// A chat's WebSocket cannot pass through a Next route handler (OpenNext loses the 101), so the
// upgrade goes straight to the sidecar over the SIDECAR binding, and its response comes back as is:
// wrapping a 101 in a new Response would drop the socket.
// @ts-expect-error -- untyped, and it exists only after `opennextjs-cloudflare build`.
import { default as nextHandler } from "./.open-next/worker.js";
import type { ExecutionContext } from "@cloudflare/workers-types";
import { AppError } from "./lib/errors";
import { SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "./lib/security-headers";
import { NOTIFICATIONS_SOCKET_PATH, SOCKET_PATH } from "./lib/socket-protocol";

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    // A chat's socket, or the bell's (in-app notifications): both go to the sidecar by ticket.
    if ((SOCKET_PATH.test(url.pathname) || url.pathname === NOTIFICATIONS_SOCKET_PATH) && request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return openSidecarSocket(request, env, url);
    }
    const policy = contentSecurityPolicy(newNonce());
    // Next reads the nonce from the request's CSP header and puts it on every script it renders.
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", policy);
    const response = await nextHandler.fetch(new Request(request, { headers }), env, ctx);
    return withSecurityHeaders(response, url, policy);
  },
};

/**
 * The page's CSP. Scripts run only with this response's nonce ('strict-dynamic'
 * lets Next's nonced loader fetch its chunks); no inline script without it.
 * Styles allow inline: React sets style attributes. Every page is rendered per
 * request (the root layout is dynamic), so each answer carries a fresh nonce.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
    "form-action 'self'",
  ].join("; ");
}

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Pages and API answers: the CSP, the other security headers (static assets get those from public/_headers). */
function withSecurityHeaders(response: Response, url: URL, policy: string): Response {
  const secured = new Response(response.body, response);
  secured.headers.set("content-security-policy", policy);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!secured.headers.has(name)) secured.headers.set(name, value);
  if (url.protocol === "https:") secured.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return secured;
}

async function openSidecarSocket(request: Request, env: Partial<CloudflareEnv>, url: URL): Promise<Response> {
  // Cross-site WebSocket hijacking: a browser always sends Origin on a socket; it must be this site.
  if (request.headers.get("origin") !== url.origin) {
    return new AppError("forbidden:origin", "Sockets are only for this site's pages.").toResponse();
  }
  // (RFC 6455 makes an upgrade a GET; workerd hands every upgrade to the worker as a GET, whatever
  // the client sent, so there is no method to check: the ticket is what opens a socket.)
  if (!env.SIDECAR) return new AppError("persistence_unavailable:sidecar", "Chat persistence is not running.").toResponse();
  try {
    return await env.SIDECAR.fetch(request);
  } catch {
    return new AppError("persistence_unavailable:sidecar", "Chat persistence is not running.").toResponse();
  }
}
