"use client";

import { useCallback } from "react";
import useSWR from "swr";
import { announceOwner } from "@/lib/owner-signal";
import type { ChatView } from "./chat-view";
import { useFallbackChat } from "./use-fallback-chat";
import { usePersistentChat } from "./use-persistent-chat";

export type { ChatMode, ChatView } from "./chat-view";

/** Whether the chat is saved; a yes also means the browser holds an owner cookie now (the route mints it), which the bell waits for. */
async function checkPersistence(): Promise<boolean> {
  const response = await fetch("/api/health", { cache: "no-store" });
  const body: unknown = await response.json().catch(() => null);
  const persistent = typeof body === "object" && body !== null && "persistence" in body && body.persistence === true;
  if (persistent) announceOwner();
  return persistent;
}

/**
 * The chat page's one hook: the stored chat (use-persistent-chat.ts) while the sidecar answers,
 * the React-state chat (use-fallback-chat.ts) when the health check says persistence is off or a
 * stored chat could not be read at all. Both hooks run on every render (hooks cannot be skipped);
 * the one not chosen fetches nothing.
 */
export function useChat(): ChatView {
  const health = useSWR("/api/health", checkPersistence, { revalidateOnFocus: false });
  const persistent = usePersistentChat(health.data);
  const fallback = useFallbackChat();

  // "New chat" in the fallback also forgets the stored chat, so a later visit with the sidecar back starts afresh.
  const { startOver: forgetStored } = persistent.view;
  const { startOver: clearLocal } = fallback;
  const startOverFallback = useCallback(() => {
    forgetStored();
    clearLocal();
  }, [forgetStored, clearLocal]);

  if (persistent.lost || health.data === false) return { ...fallback, startOver: startOverFallback };
  return persistent.view;
}
