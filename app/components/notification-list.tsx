"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import useSWR from "swr";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { NotificationList as NotificationListShape, type Notification } from "@/lib/notifications/schemas";
import { When } from "./center-time";

/**
 * The student's notifications, newest first. Opening the page marks them read
 * (the bell in every tab goes to 0, pushed by the socket); the ones that were
 * new when the page opened keep their "New" mark until it is left.
 */
export function NotificationList() {
  const { data, error, mutate } = useSWR("/api/notifications", async (url: string) => NotificationListShape.parse(await fetchJson(url)));
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState("");
  const marking = useRef(false);

  useEffect(() => {
    if (!data || data.unread === 0 || marking.current) return;
    marking.current = true;
    setFresh(new Set(data.notifications.filter((item) => item.readAt === null).map((item) => item.id)));
    fetchJson("/api/notifications/read", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ all: true }) })
      .then(() => mutate())
      .then(() => setStatus("All notifications are marked as read."))
      .catch((caught: unknown) => setStatus(caught instanceof Error ? caught.message : "They could not be marked as read."))
      .finally(() => {
        marking.current = false;
      });
  }, [data, mutate]);

  if (error) {
    const offline = error instanceof AppError && error.status === 503;
    return (
      <p className="notice" role="status">
        {offline ? "Notifications need the chat service, which is not running, so none can be shown." : "Your notifications could not be loaded. Please reload the page."}
      </p>
    );
  }
  if (!data) return <p role="status">Loading your notifications…</p>;
  return (
    <>
      <p role="status" className="history-status">
        {status}
      </p>
      {data.notifications.length === 0 ? (
        <p>Nothing yet. When you book or cancel a session, or a reminder is sent, it shows here.</p>
      ) : (
        <ul className="history-list" data-testid="notification-list">
          {data.notifications.map((item) => (
            <NotificationItem key={item.id} item={item} fresh={fresh.has(item.id)} />
          ))}
        </ul>
      )}
    </>
  );
}

function NotificationItem({ item, fresh }: { item: Notification; fresh: boolean }) {
  return (
    <li data-testid="notification" data-kind={item.kind}>
      <span className="history-title">
        {fresh ? <span className="badge">New</span> : null} {item.title}
      </span>
      <span>{item.body}</span>
      <When at={item.createdAt} />
      {item.href ? <Link href={item.href}>{item.href === "/bookings" ? "My bookings" : "Open"}</Link> : null}
    </li>
  );
}
