import type { NotificationsFrame } from "./notifications/schemas";
import { NOTIFICATIONS_SOCKET_PATH, PING, readFrame } from "./socket-protocol";

/**
 * The browser's live connection to the student's bell: a reconnecting
 * WebSocket (partysocket and the frame schema loaded on demand) with a fresh
 * one-use ticket per attempt, jittered backoff, a hello on every (re)connect
 * that the Notifications object answers with the current count, and a
 * keep-alive ping the runtime answers without waking the object. Mirrors
 * lib/chat-socket.ts.
 */

export interface NotificationsSocket {
  close(): void;
}

const PING_EVERY_MS = 30_000;

export function openNotificationsSocket(options: {
  /** A fresh one-use ticket for each attempt (POST /api/notifications/socket-ticket). */
  ticket: () => Promise<string>;
  onFrame: (frame: NotificationsFrame) => void;
  origin?: string;
}): NotificationsSocket {
  let socket: import("partysocket/ws").default | null = null;
  let closed = false;
  let ping: ReturnType<typeof setInterval> | null = null;
  const origin = options.origin ?? self.origin;
  const url = async () => `${origin.replace(/^http/, "ws")}${NOTIFICATIONS_SOCKET_PATH}?ticket=${encodeURIComponent(await options.ticket())}`;

  void Promise.all([import("partysocket/ws"), import("./notifications/schemas")]).then(([{ default: ReconnectingWebSocket }, { NotificationsFrame }]) => {
    if (closed) return;
    socket = new ReconnectingWebSocket(url, [], {
      minReconnectionDelay: 1_000 + Math.random() * 2_000,
      maxReconnectionDelay: 30_000,
      reconnectionDelayGrowFactor: 1.5,
      connectionTimeout: 5_000,
      maxEnqueuedMessages: 0,
    });
    socket.addEventListener("open", () => {
      socket?.send(JSON.stringify({ v: 1, type: "hello" }));
      if (ping) clearInterval(ping);
      ping = setInterval(() => socket?.send(PING), PING_EVERY_MS);
    });
    socket.addEventListener("message", (event) => {
      const frame = readFrame(event.data, NotificationsFrame);
      if (frame) options.onFrame(frame);
    });
    socket.addEventListener("close", () => {
      if (ping) clearInterval(ping);
      ping = null;
    });
  });

  return {
    close() {
      closed = true;
      if (ping) clearInterval(ping);
      socket?.close(1000, "page closed");
    },
  };
}
