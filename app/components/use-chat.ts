"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import useSWR from "swr";
import {
  HttpChatSessionClient,
  forgetSession,
  loadSessionId,
  startSession,
} from "@/lib/chat-session-client";
import { AppError } from "@/lib/errors";
import {
  EMPTY_SESSION_FIELDS,
  FallbackTurnResponse,
  type ChatMessage,
  type ChatState,
  type SessionFields,
} from "@/lib/schemas";

/** `persistent`: state lives in the sidecar. `fallback`: React state only, nothing is saved. */
export type ChatMode = "checking" | "persistent" | "fallback";

export interface ChatView {
  mode: ChatMode;
  messages: ChatMessage[];
  fields: SessionFields;
  hasOlder: boolean;
  /** The assistant is working on a reply. */
  thinking: boolean;
  error: string | null;
  send(content: string): Promise<boolean>;
  loadOlder(): Promise<void>;
  startOver(): void;
}

const POLL_MS = 3_000;

async function checkPersistence(): Promise<boolean> {
  const response = await fetch("/api/health", { cache: "no-store" });
  const body: unknown = await response.json().catch(() => null);
  return typeof body === "object" && body !== null && "persistence" in body && body.persistence === true;
}

export function useChat(): ChatView {
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [storageRead, setStorageRead] = useState(false);
  const [lostPersistence, setLostPersistence] = useState(false);
  const [pending, setPending] = useState<ChatMessage[]>([]);
  const [older, setOlder] = useState<ChatMessage[]>([]);
  const [olderHasMore, setOlderHasMore] = useState(false);
  const [thinking, setThinking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [local, setLocal] = useState<{ messages: ChatMessage[]; fields: SessionFields }>({
    messages: [],
    fields: EMPTY_SESSION_FIELDS,
  });

  // localStorage exists only in the browser: read it after hydration.
  useEffect(() => {
    setSessionId(loadSessionId());
    setStorageRead(true);
  }, []);

  const health = useSWR("/api/health", checkPersistence, { revalidateOnFocus: false });
  const mode: ChatMode = lostPersistence || health.data === false ? "fallback" : health.data ? "persistent" : "checking";
  const client = useMemo(() => (sessionId ? new HttpChatSessionClient(sessionId) : null), [sessionId]);

  const state = useSWR<ChatState | null>(
    mode === "persistent" && client ? ["chat-state", client.sessionId] : null,
    async () => {
      try {
        return await client!.getState();
      } catch (caught) {
        // A session this browser no longer owns (or never stored) starts afresh.
        if (caught instanceof AppError && caught.status === 404) return null;
        throw caught;
      }
    },
    { revalidateOnFocus: true, keepPreviousData: true },
  );

  useEffect(() => {
    if (state.error instanceof AppError && state.error.status === 503) setLostPersistence(true);
  }, [state.error]);

  // Cheap polling for replies and other tabs: only messages after our cursor (an indexed range read).
  const lastSeq = state.data?.lastSeq ?? 0;
  useSWR(
    mode === "persistent" && client && state.data ? ["chat-poll", client.sessionId, lastSeq] : null,
    async () => {
      const page = await client!.listMessages({ after: lastSeq, limit: 50 });
      if (page.messages.length > 0) await state.mutate();
      return page.lastSeq;
    },
    { refreshInterval: POLL_MS, revalidateOnFocus: false, dedupingInterval: POLL_MS - 500 },
  );

  const sendFallback = useCallback(
    async (content: string) => {
      const now = Date.now();
      const userMessage: ChatMessage = { seq: local.messages.length + 1, id: crypto.randomUUID(), role: "user", content, createdAt: now };
      setLocal((current) => ({ ...current, messages: [...current.messages, userMessage] }));
      const response = await fetch("/api/assistant", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          content,
          fields: local.fields,
          recent: local.messages.slice(-10).map(({ role, content }) => ({ role, content })),
        }),
      });
      if (!response.ok) throw new Error("The assistant could not answer. Please try again.");
      const turn = FallbackTurnResponse.parse(await response.json());
      setLocal((current) => ({
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
    [local],
  );

  const send = useCallback(
    async (raw: string): Promise<boolean> => {
      const content = raw.trim();
      // Until we know whether persistence is on, a message would land in the wrong place.
      if (!content || thinking || mode === "checking") return false;
      setError(null);
      setThinking(true);
      try {
        if (mode !== "persistent") {
          await sendFallback(content);
          return true;
        }
        const id = sessionId ?? startSession();
        if (!sessionId) setSessionId(id);
        const target = client ?? new HttpChatSessionClient(id);
        const optimistic: ChatMessage = { seq: Number.MAX_SAFE_INTEGER, id: crypto.randomUUID(), role: "user", content, createdAt: Date.now() };
        setPending([optimistic]);
        try {
          const result = await target.sendMessage({ id: optimistic.id, content });
          await state.mutate(result.state, { revalidate: false });
          if (!client) await state.mutate();
        } catch (caught) {
          if (caught instanceof AppError && caught.status === 503) {
            setLostPersistence(true);
            await sendFallback(content);
            return true;
          }
          throw caught;
        } finally {
          setPending([]);
        }
        return true;
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : "Something went wrong. Please try again.");
        return false;
      } finally {
        setThinking(false);
      }
    },
    [client, mode, sendFallback, sessionId, state, thinking],
  );

  const loadOlder = useCallback(async () => {
    const first = older[0] ?? state.data?.messages[0];
    if (!client || !first) return;
    const page = await client.listMessages({ before: first.seq, limit: 50 });
    setOlder((current) => [...page.messages, ...current]);
    setOlderHasMore(page.hasMore);
  }, [client, older, state.data]);

  const startOver = useCallback(() => {
    forgetSession();
    setSessionId(null);
    setOlder([]);
    setLocal({ messages: [], fields: EMPTY_SESSION_FIELDS });
  }, []);

  if (mode === "fallback") {
    return { mode, ...local, hasOlder: false, thinking, error, send, loadOlder, startOver };
  }
  const data = sessionId ? state.data : null;
  return {
    mode: storageRead ? mode : "checking",
    messages: [...older, ...(data?.messages ?? []), ...pending],
    fields: data ?? EMPTY_SESSION_FIELDS,
    hasOlder: older.length > 0 ? olderHasMore : (data?.hasOlder ?? false),
    thinking,
    error,
    send,
    loadOlder,
    startOver,
  };
}
