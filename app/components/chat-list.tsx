"use client";

import { useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { z } from "@/lib/zod";
import { fetchJson } from "@/lib/fetch-json";
import { ChatSummary } from "@/lib/schemas";

const ChatList = z.object({ chats: z.array(ChatSummary) });
const DATE = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric" });

const loadChats = async (url: string) => ChatList.parse(await fetchJson(url)).chats;

/**
 * The student's chats and their trash. Delete is soft (restorable for the
 * tier's grace period, shown per chat); restore brings the chat back as it was.
 */
export function ChatHistory({
  currentId,
  onOpen,
  onCurrentDeleted,
  refreshKey,
}: {
  currentId: string | null;
  onOpen: (id: string) => void;
  onCurrentDeleted: () => void;
  refreshKey: number;
}) {
  const [view, setView] = useState<"chats" | "trash">("chats");
  const [status, setStatus] = useState("");
  const url = view === "trash" ? "/api/chats?deleted=1" : "/api/chats";
  // Only this tab's own actions change the list (they refresh it): no request on focus, so an idle tab stays silent.
  const { data: chats, error } = useSWR([url, refreshKey], ([key]) => loadChats(key), { revalidateOnFocus: false });
  const { mutate } = useSWRConfig();
  // A delete or restore changes both lists: refresh every cached chats list, not just the one shown.
  const refreshLists = () => mutate((key) => Array.isArray(key) && typeof key[0] === "string" && key[0].startsWith("/api/chats"));

  async function act(id: string, action: "delete" | "restore") {
    try {
      await fetchJson(action === "delete" ? `/api/chats/${id}` : `/api/chats/${id}/restore`, { method: action === "delete" ? "DELETE" : "POST" });
      setStatus(action === "delete" ? "Chat moved to the trash." : "Chat restored.");
      if (action === "delete" && id === currentId) onCurrentDeleted();
      await refreshLists();
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "That did not work. Please try again.");
    }
  }

  return (
    <section className="panel history" aria-labelledby="history-title" data-testid="chat-history">
      <div className="history-header">
        <h2 id="history-title">{view === "trash" ? "Trash" : "Your chats"}</h2>
        <button type="button" className="button link" onClick={() => setView(view === "trash" ? "chats" : "trash")} data-testid="toggle-trash">
          {view === "trash" ? "Back to chats" : "Trash"}
        </button>
      </div>
      <p role="status" className="meta">
        {status}
      </p>
      {error && <p className="error">{error instanceof Error ? error.message : "Could not load your chats."}</p>}
      {chats && chats.length === 0 && <p className="meta">{view === "trash" ? "The trash is empty." : "No saved chats yet."}</p>}
      <ul className="history-list">
        {chats?.map((chat) => (
          <li key={chat.id} data-testid={view === "trash" ? "trashed-chat" : "saved-chat"}>
            <span className="history-title">
              {chat.title}
              {chat.id === currentId && <span className="meta"> (this chat)</span>}
            </span>
            {view === "trash" ? (
              <>
                <span className="meta">Deleted for good on {DATE.format(chat.purgeAt ?? 0)}</span>
                <button type="button" className="button secondary" onClick={() => void act(chat.id, "restore")} aria-label={`Restore ${chat.title}`}>
                  Restore
                </button>
              </>
            ) : (
              <>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => onOpen(chat.id)}
                  aria-current={chat.id === currentId ? "true" : undefined}
                  aria-label={`Open ${chat.title}`}
                >
                  Open
                </button>
                <button type="button" className="button secondary" onClick={() => void act(chat.id, "delete")} aria-label={`Delete ${chat.title}`}>
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
