/**
 * The constants of a chat's socket that both ends share, without the frame
 * schemas (lib/socket-frames.ts), so a page can know them before it loads
 * the schemas with the socket itself.
 */

export const FRAME_VERSION = 1;

/** Text the client sends to keep the socket alive; the object answers `pong` without waking. */
export const PING = "ping";
export const PONG = "pong";

/**
 * A server frame from a socket message: null for the keep-alive's answer, a binary or unparsable
 * message, or one the schema refuses (the chat's and the bell's sockets both read frames this way).
 */
export function readFrame<T>(data: unknown, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T | null {
  if (data === PONG || typeof data !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  const frame = schema.safeParse(parsed);
  return frame.success ? frame.data : null;
}

/** Messages sent in one `messages` frame while catching a client up. */
export const RESUME_PAGE = 100;
/** The longest frame a client may send: hello, typing and read fit in a few dozen characters. */
export const MAX_CLIENT_FRAME_CHARS = 1_024;
/** A client further behind than this gets `resync` and reloads the state over HTTP. */
export const MAX_RESUME = 1_000;


/** Close codes the client acts on (4000–4999 are the application's). */
export const CLOSE = {
  /** The chat is in the trash or deleted: do not reconnect. */
  gone: 4410,
  /** The ticket was refused: fetch a new one before reconnecting. */
  unauthorized: 4401,
  /** A frame longer than MAX_CLIENT_FRAME_CHARS on a socket that answers none (the bell's). */
  tooLarge: 4413,
  /** More frames than the socket's limit (lib/rate-limits.ts): reconnect later, with a new ticket. */
  tooManyFrames: 4429,
} as const;

/** Socket tickets: minted by the web worker after it verified the owner cookie, good for one connect. */
export const SOCKET_TICKET_TTL_MS = 60_000;

/** The path of a chat's socket, the same in `next dev` (rewritten to the sidecar) and in production (the custom worker entry). */
export const SOCKET_PATH = /^\/api\/chat\/session\/([^/]+)\/socket$/;
export function socketPath(sessionId: string): string {
  return `/api/chat/session/${encodeURIComponent(sessionId)}/socket`;
}

/** The bell's socket (in-app notifications): the same in `next dev` (rewritten to the sidecar) and in production (worker.ts). */
export const NOTIFICATIONS_SOCKET_PATH = "/api/notifications/socket";
