/**
 * The socket door's pass: after checking a socket ticket, the sidecar forwards the upgrade to the
 * object with these headers (replacing any the caller sent: only the sidecar reaches an object), and
 * the object reads them back before it spends the ticket's nonce. One pass for the chat and the bell.
 */
export const SOCKET_PASS_HEADERS = { owner: "x-socket-owner", nonce: "x-ticket-nonce", expires: "x-ticket-expires" } as const;

export interface SocketPass {
  ownerId: string;
  nonce: string;
  expiresAt: number;
}

/** The upgrade's headers with the pass set on them. */
export function withSocketPass(request: Request, pass: SocketPass): Headers {
  const headers = new Headers(request.headers);
  headers.set(SOCKET_PASS_HEADERS.owner, pass.ownerId);
  headers.set(SOCKET_PASS_HEADERS.nonce, pass.nonce);
  headers.set(SOCKET_PASS_HEADERS.expires, String(pass.expiresAt));
  return headers;
}

export function readSocketPass(request: Request): SocketPass {
  return {
    ownerId: request.headers.get(SOCKET_PASS_HEADERS.owner) ?? "",
    nonce: request.headers.get(SOCKET_PASS_HEADERS.nonce) ?? "",
    expiresAt: Number(request.headers.get(SOCKET_PASS_HEADERS.expires)),
  };
}

export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}
