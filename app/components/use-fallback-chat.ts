"use client";

import { useCallback, useRef, useState } from "react";
import type { ChatMessage, SessionFields } from "@/lib/schemas";
import { EMPTY_SESSION_FIELDS } from "@/lib/session-fields";
import { QUICK } from "@/lib/tutoring/commands";
import type { BookingInfo, TutorMatch } from "@/lib/tutoring/schemas";
import { sendErrorText, type ChatView } from "./chat-view";
import type { LiveChat } from "./use-live-chat";

/** No socket without a stored chat. */
const NO_LIVE: LiveChat = { status: "off", assistantTyping: false, typingAuthor: null, agentRead: 0, notifyTyping: () => {} };
const noop = () => {};

type LocalChat = { messages: ChatMessage[]; fields: SessionFields };

/**
 * The chat without the sidecar: React state only, each turn answered by the stateless
 * `POST /api/assistant` (the same assistant, given the fields and recent messages). Nothing is
 * saved: a reload starts over, and the page says so.
 */
export function useFallbackChat(): ChatView {
  const [local, setLocal] = useState<LocalChat>({ messages: [], fields: EMPTY_SESSION_FIELDS });
  const [thinking, setThinking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Turns read the newest React state, not the one a callback closed over.
  const localRef = useRef(local);
  localRef.current = local;
  const updateLocal = useCallback((update: (current: LocalChat) => LocalChat) => {
    localRef.current = update(localRef.current);
    setLocal(localRef.current);
  }, []);

  const sendTurn = useCallback(
    async (content: string) => {
      const now = Date.now();
      const before = localRef.current;
      const userMessage: ChatMessage = { seq: before.messages.length + 1, id: crypto.randomUUID(), role: "user", content, createdAt: now };
      updateLocal((current) => ({ ...current, messages: [...current.messages, userMessage] }));
      const response = await fetch("/api/assistant", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          content,
          fields: before.fields,
          recent: before.messages.slice(-10).map(({ role, content }) => ({ role, content })),
        }),
      });
      if (!response.ok) throw new Error("The assistant could not answer. Please try again.");
      // The schema loads with the first answer, not with the page (as in lib/http-chat-session-client.ts).
      const [{ FallbackTurnResponse }, body] = await Promise.all([import("@/lib/schemas"), response.json()]);
      const turn = FallbackTurnResponse.parse(body);
      updateLocal((current) => ({
        fields: turn.fields,
        messages: [
          ...current.messages,
          ...turn.replies.map((reply, index) => ({
            seq: current.messages.length + index + 1,
            id: reply.id,
            role: "assistant" as const,
            content: reply.content,
            createdAt: now,
            ...(reply.quickReplies ? { quickReplies: reply.quickReplies } : {}),
          })),
        ],
      }));
    },
    [updateLocal],
  );

  const send = useCallback(
    async (raw: string): Promise<boolean> => {
      const content = raw.trim();
      if (!content || thinking) return false;
      setError(null);
      setThinking(true);
      try {
        await sendTurn(content);
        return true;
      } catch (caught) {
        setError(sendErrorText(caught));
        return false;
      } finally {
        setThinking(false);
      }
    },
    [sendTurn, thinking],
  );

  const saveBookingDraft = useCallback(
    (info: BookingInfo) => updateLocal((current) => ({ ...current, fields: { ...current.fields, bookingInfo: info } })),
    [updateLocal],
  );

  const bookTutor = useCallback(
    async (match: TutorMatch, words: string = QUICK.book) => {
      updateLocal((current) => ({ ...current, fields: { ...current.fields, pendingMatch: match } }));
      return send(words);
    },
    [send, updateLocal],
  );

  const startOver = useCallback(() => updateLocal(() => ({ messages: [], fields: EMPTY_SESSION_FIELDS })), [updateLocal]);

  return {
    mode: "fallback",
    sessionId: null,
    ...local,
    hasOlder: false,
    thinking,
    reconnecting: false,
    awaitingReply: false,
    live: NO_LIVE,
    savedChats: 0,
    error,
    send,
    saveBookingDraft,
    bookTutor,
    switchTo: noop,
    loadOlder: async () => {},
    startOver,
    showVote: noop,
  };
}
