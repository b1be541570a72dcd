"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { BellState } from "@/lib/notifications/schemas";
import { openNotificationsSocket, type NotificationsSocket } from "@/lib/notifications-socket";
import { onOwner } from "@/lib/owner-signal";

// The bell is on every page: its two answers are checked by hand here so the header does not load
// zod on first paint (the socket loads the frame schema with partysocket, on demand).

async function loadBell(): Promise<BellState | null> {
  const response = await fetch("/api/notifications/count", { credentials: "same-origin", cache: "no-store" }).catch(() => null);
  if (!response?.ok) return null;
  const body: unknown = await response.json().catch(() => null);
  if (typeof body !== "object" || body === null || !("unread" in body) || !("live" in body)) return null;
  const { unread, live } = body;
  return typeof unread === "number" && Number.isInteger(unread) && unread >= 0 && typeof live === "boolean" ? { unread, live } : null;
}

async function ticket(): Promise<string> {
  const response = await fetch("/api/notifications/socket-ticket", { method: "POST", credentials: "same-origin" });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok || typeof body !== "object" || body === null || !("ticket" in body) || typeof body.ticket !== "string") throw new Error(`No bell ticket (${response.status}).`);
  return body.ticket;
}

/**
 * The header's bell: a link to /notifications with the unread count, kept live
 * by the Notifications object's socket (a new notification in another tab or
 * from the center shows at once, without a reload). Hidden without the
 * sidecar (the fallback) or until the count is known.
 */
export function NotificationBell() {
  const [unread, setUnread] = useState<number | null>(null);
  const socket = useRef<NotificationsSocket | null>(null);
  /** Numbers each count asked for: only the newest answer counts (an older one may say "no owner yet"). */
  const asked = useRef(0);
  const pathname = usePathname();

  // Once the socket is open it keeps the count (its hello after every reconnect included): no more HTTP.
  const refresh = useCallback(async () => {
    if (socket.current) return;
    const mine = ++asked.current;
    const state = await loadBell();
    if (mine !== asked.current || socket.current) return;
    if (!state) return setUnread(null);
    setUnread(state.unread);
    if (state.live) socket.current = openNotificationsSocket({ ticket, onFrame: (frame) => setUnread(frame.unread) });
  }, []);

  // Until the socket opens: on every page, and when a page says the browser now has an owner. A first
  // visit's bell asks before the page's /api/health has minted the owner (the count answers "not live":
  // nothing can have been sent to no one), and the chat page never navigates; its health check says
  // so (lib/owner-signal.ts, other tabs too), and the bell asks once more and opens its socket.
  // Not on focus, never on a timer: an idle tab sends nothing.
  useEffect(() => {
    void refresh();
  }, [pathname, refresh]);
  useEffect(() => onOwner(() => void refresh()), [refresh]);
  useEffect(
    () => () => {
      socket.current?.close();
      socket.current = null;
    },
    [],
  );

  if (unread === null) return null;
  return (
    // "Notifications 2 unread": the name starts with the text shown ("Notifications 2"), as WCAG's label-in-name asks.
    <Link href="/notifications" aria-label={`Notifications ${unread} unread`} data-testid="notification-bell" data-unread={unread}>
      Notifications
      {unread > 0 ? (
        <>
          {" "}
          <span className="bell-count">{unread}</span>
        </>
      ) : null}
    </Link>
  );
}
