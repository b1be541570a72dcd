import type { ClientFrame, ServerFrame } from "./socket-frames";
import { CLOSE, PING, readFrame, socketPath } from "./socket-protocol";

/**
 * The browser's live connection to one chat: a reconnecting WebSocket
 * (partysocket and the frame schemas, loaded on demand so they cost the
 * first page load nothing)
 * with a fresh ticket per attempt, jittered backoff, a resume from the
 * client's cursor on every (re)connect, and a keep-alive ping the chat's
 * object answers without waking. Framework-free: the React hook and
 * ChatSessionClient.subscribe both use it.
 */

/** `open`: frames flow. `connecting`: first attempts. `down`: attempts keep failing; poll meanwhile. */
export type SocketStatus = "connecting" | "open" | "down";

export interface ChatSocketOptions {
  sessionId: string;
  /** A fresh one-use ticket for each attempt (POST /api/chat/session/{id}/socket-ticket). */
  ticket: () => Promise<string>;
  /** The newest seq this client holds: the server resumes right after it. */
  cursor: () => number;
  onFrame: (frame: ServerFrame) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Where the page is served from (default: this page's location). */
  origin?: string;
}

export interface ChatSocket {
  send(frame: ClientFrame): void;
  close(): void;
}

/** Keep-alive well inside the ~100 s an idle proxied socket may live. */
const PING_EVERY_MS = 30_000;
/** Failed attempts in a row before the page falls back to polling (the socket keeps trying). */
const DOWN_AFTER_FAILURES = 2;

export function openChatSocket(options: ChatSocketOptions): ChatSocket {
  let socket: import("partysocket/ws").default | null = null;
  let closed = false;
  let failures = 0;
  let ping: ReturnType<typeof setInterval> | null = null;
  const status = (next: SocketStatus) => options.onStatus?.(next);
  status("connecting");

  const origin = options.origin ?? self.origin;
  const url = async () => {
    const ticket = await options.ticket();
    const base = origin.replace(/^http/, "ws");
    return `${base}${socketPath(options.sessionId)}?ticket=${encodeURIComponent(ticket)}`;
  };

  void Promise.all([import("partysocket/ws"), import("./socket-frames")]).then(([{ default: ReconnectingWebSocket }, { ServerFrame }]) => {
    if (closed) return;
    socket = new ReconnectingWebSocket(url, [], {
      // Jitter: after a deploy drops every socket at once, clients come back spread out.
      minReconnectionDelay: 1_000 + Math.random() * 2_000,
      maxReconnectionDelay: 15_000,
      reconnectionDelayGrowFactor: 1.5,
      connectionTimeout: 5_000,
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (event) => event.code !== CLOSE.gone,
    });
    socket.addEventListener("open", () => {
      failures = 0;
      status("open");
      socket?.send(JSON.stringify({ v: 1, type: "hello", after: options.cursor() } satisfies ClientFrame));
      if (ping) clearInterval(ping);
      ping = setInterval(() => socket?.send(PING), PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => {
      const frame = readFrame(event.data, ServerFrame);
      if (frame) options.onFrame(frame);
    });
    socket.addEventListener("close", () => {
      if (ping) clearInterval(ping);
      ping = null;
      failures += 1;
      if (!closed) status(failures >= DOWN_AFTER_FAILURES ? "down" : "connecting");
    });
    // A ticket that could not be had (sidecar down, chat not ours) fails the attempt before any socket exists.
    socket.addEventListener("error", () => {
      if (!closed && socket?.readyState !== WebSocket.OPEN) status(++failures >= DOWN_AFTER_FAILURES ? "down" : "connecting");
    });
  });

  return {
    send(frame) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    },
    close() {
      closed = true;
      if (ping) clearInterval(ping);
      socket?.close(1000, "page closed the chat");
    },
  };
}
