// The web worker's entry: the OpenNext build of the Next.js app, with one path caught before Next.
// A chat's WebSocket cannot pass through a Next route handler (OpenNext loses the 101), so the
// upgrade goes straight to the sidecar over the SIDECAR binding, and its response comes back as is:
// wrapping a 101 in a new Response would drop the socket.
// @ts-expect-error -- untyped, and it exists only after `opennextjs-cloudflare build`.
import { default as nextHandler } from "./.open-next/worker.js";
import type { ExecutionContext } from "@cloudflare/workers-types";
import { SOCKET_PATH } from "./lib/socket-protocol";

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (SOCKET_PATH.test(url.pathname) && request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return openChatSocket(request, env, url);
    }
    return withSecurityHeaders(await nextHandler.fetch(request, env, ctx), url);
  },
};

/**
 * Headers every page and API answer carries. The CSP sets what needs no
 * nonce (no framing, no plugins, no foreign base or form targets); a
 * script-src with nonces for Next's inline scripts is still to come.
 */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

function withSecurityHeaders(response: Response, url: URL): Response {
  const secured = new Response(response.body, response);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!secured.headers.has(name)) secured.headers.set(name, value);
  if (url.protocol === "https:") secured.headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  return secured;
}

async function openChatSocket(request: Request, env: Partial<CloudflareEnv>, url: URL): Promise<Response> {
  // Cross-site WebSocket hijacking: a browser always sends Origin on a socket; it must be this site.
  if (request.headers.get("origin") !== url.origin) {
    return Response.json({ error: { code: "forbidden", message: "Sockets are only for this site's pages." } }, { status: 403 });
  }
  if (!env.SIDECAR) {
    return Response.json({ error: { code: "persistence_unavailable", message: "Chat persistence is not running." } }, { status: 503 });
  }
  try {
    return await env.SIDECAR.fetch(request);
  } catch {
    return Response.json({ error: { code: "persistence_unavailable", message: "Chat persistence is not running." } }, { status: 503 });
  }
}
