"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { AppError } from "@/lib/errors";
import { HttpChatSessionClient } from "@/lib/http-chat-session-client";
import { retryTransient } from "@/lib/send-retry";
import type { ChatMessage, ChatState, ReplyVote } from "@/lib/schemas";
import { EMPTY_SESSION_FIELDS } from "@/lib/session-fields";
import { forgetSession, loadSessionId, rememberSession, startSession } from "@/lib/session-id";
import { QUICK } from "@/lib/tutoring/commands";
import type { BookingInfo, TutorMatch } from "@/lib/tutoring/schemas";
import { sendErrorText, type ChatView } from "./chat-view";
import { mergeMessages, useLiveChat, withVote, type LiveChat } from "./use-live-chat";

/** Polling, only while the live socket is down: idle for other tabs; while a reply is awaited, fast then backing off. */
const IDLE_POLL_MS = 5_000;
const AWAIT_POLL_MS = { first: 700, factor: 1.5, max: 8_000 };

export interface PersistentChat {
  view: ChatView;
  /** Persistence was missing at the first read of a stored chat: the page works on React state from then on. */
  lost: boolean;
}

/**
 * The chat stored in the sidecar: its state over HTTP (SWR), new messages and field changes
 * pushed over the live socket (polled while it is down), sends retried through an outage.
 * `available`: the health check's answer (undefined while it is pending); nothing is fetched
 * until it is true.
 */
export function usePersistentChat(available: boolean | undefined): PersistentChat {
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [storageRead, setStorageRead] = useState(false);
  const [lost, setLost] = useState(false);
  const [pending, setPending] = useState<ChatMessage[]>([]);
  const [older, setOlder] = useState<ChatMessage[]>([]);
  const [olderHasMore, setOlderHasMore] = useState(false);
  const [thinking, setThinking] = useState(false);
  const [reconnecting, setReconnecting] = useState(false);
  const [savedChats, setSavedChats] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const draftSave = useRef<Promise<unknown>>(Promise.resolve());

  // localStorage exists only in the browser: read it after hydration.
  useEffect(() => {
    setSessionId(loadSessionId());
    setStorageRead(true);
  }, []);

  const active = available === true && !lost;
  const client = useMemo(() => (sessionId ? new HttpChatSessionClient(sessionId) : null), [sessionId]);
  /** The socket's status as of the last render (SWR reads its options on every render). */
  const liveStatus = useRef<LiveChat["status"]>("off");

  /**
   * When each reply's vote last changed here (this tab's own vote, or another tab's pushed frame).
   * A state snapshot requested before that change may answer after it: its vote for that reply is
   * older than the one shown, so the shown one is kept (keepNewerVotes).
   */
  const votedAt = useRef(new Map<string, number>());
  const shown = useRef<ChatState | null | undefined>(undefined);
  const keepNewerVotes = (next: ChatState, requestedAt: number): ChatState => {
    const current = new Map((shown.current?.messages ?? []).map((message) => [message.id, message]));
    let kept = false;
    const messages = next.messages.map((message) => {
      const mine = current.get(message.id);
      if (!mine || (votedAt.current.get(message.id) ?? -Infinity) < requestedAt || mine.vote === message.vote) return message;
      kept = true;
      return withVote([message], message.id, mine.vote ?? null)[0]!;
    });
    return kept ? { ...next, messages } : next;
  };

  const state = useSWR<ChatState | null>(
    active && client ? ["chat-state", client.sessionId] : null,
    async () => {
      try {
        const requestedAt = Date.now();
        return keepNewerVotes(await client!.getState(), requestedAt);
      } catch (caught) {
        // A session this browser no longer owns (or never stored) starts afresh.
        if (caught instanceof AppError && (caught.status === 404 || caught.status === 410)) return null;
        throw caught;
      }
    },
    // With a live socket, a focused tab is already up to date: no request.
    { revalidateOnFocus: liveStatus.current !== "open", keepPreviousData: true },
  );

  // Persistence missing at the first read: the page works on React state. Once the chat has loaded, a 503
  // is an outage (a restart, a deploy): sends retry and the page says it is reconnecting.
  const loaded = state.data !== undefined;
  useEffect(() => {
    if (state.error instanceof AppError && state.error.status === 503 && !loaded) setLost(true);
  }, [state.error, loaded]);

  const lastSeq = state.data?.lastSeq ?? 0;
  const awaitingReply = active && state.data?.messages.at(-1)?.role === "user";

  // Pushed updates: new messages (from this tab, other tabs, bots, staff) and field changes.
  const live = useLiveChat(client, active && Boolean(state.data), lastSeq, {
    onMessages: (messages) =>
      void state.mutate(
        (current) => {
          const merged = current ? mergeMessages(current.messages, messages) : null;
          return current && merged ? { ...current, messages: merged, lastSeq: Math.max(current.lastSeq, merged.at(-1)!.seq) } : current;
        },
        { revalidate: false },
      ),
    onFields: (fields, updatedAt) =>
      void state.mutate((current) => (current && updatedAt >= current.updatedAt ? { ...current, ...fields, updatedAt } : current), {
        revalidate: false,
      }),
    onVote: (messageId, vote) => showVote(messageId, vote),
    onResync: async () => {
      await state.mutate();
    },
  });

  liveStatus.current = live.status;
  shown.current = state.data;

  /** A reply's vote as the server stored it (this tab's own, or pushed from another tab): shown, and remembered when. */
  function showVote(messageId: string, vote: ReplyVote | null) {
    votedAt.current.set(messageId, Date.now());
    void state.mutate((current) => (current ? { ...current, messages: withVote(current.messages, messageId, vote) } : current), { revalidate: false });
    setOlder((current) => withVote(current, messageId, vote));
  }

  // Polling is the fallback when the socket cannot be opened: only messages after our cursor,
  // which costs the ChatSession no storage rows when nothing is new.
  const emptyPolls = useRef(0);
  useEffect(() => {
    emptyPolls.current = 0;
  }, [lastSeq]);
  useSWR(
    active && client && state.data && live.status === "down" ? ["chat-poll", client.sessionId, lastSeq] : null,
    async () => {
      const page = await client!.listMessages({ after: lastSeq, limit: 50 });
      if (page.messages.length > 0) await state.mutate();
      else emptyPolls.current += 1;
      return page.lastSeq;
    },
    {
      refreshInterval: () =>
        awaitingReply ? Math.min(AWAIT_POLL_MS.first * AWAIT_POLL_MS.factor ** emptyPolls.current, AWAIT_POLL_MS.max) : IDLE_POLL_MS,
      revalidateOnFocus: false,
      dedupingInterval: 500,
    },
  );

  const send = useCallback(
    async (raw: string): Promise<boolean> => {
      const content = raw.trim();
      // Until we know whether persistence is on, a message would land in the wrong place.
      if (!content || thinking || !active) return false;
      setError(null);
      setThinking(true);
      try {
        // A draft still on its way must land before the message that moves the form on.
        await draftSave.current;
        const id = sessionId ?? startSession();
        if (!sessionId) setSessionId(id);
        const target = client ?? new HttpChatSessionClient(id);
        const optimistic: ChatMessage = { seq: Number.MAX_SAFE_INTEGER, id: crypto.randomUUID(), role: "user", content, createdAt: Date.now() };
        setPending([optimistic]);
        try {
          // The same id on every attempt: a message that reached the chat before the line dropped is stored once.
          const requestedAt = Date.now();
          const result = await retryTransient(() => target.sendMessage({ id: optimistic.id, content }), { onRetry: () => setReconnecting(true) });
          await state.mutate(keepNewerVotes(result.state, requestedAt), { revalidate: false });
          if (!client) {
            await state.mutate();
            // The chat's list entry exists once the first POST has answered (not when its messages are pushed).
            setSavedChats((count) => count + 1);
          }
        } catch (caught) {
          if (caught instanceof AppError && caught.status === 503) {
            throw new Error("The chat service could not be reached for two minutes, so your message was not sent. Please try again.");
          }
          throw caught;
        } finally {
          setPending([]);
          setReconnecting(false);
        }
        return true;
      } catch (caught) {
        setError(sendErrorText(caught));
        return false;
      } finally {
        setThinking(false);
      }
    },
    [active, client, sessionId, state, thinking],
  );

  const saveBookingDraft = useCallback(
    (info: BookingInfo) => {
      if (!client) return;
      draftSave.current = client
        .patchState({ bookingInfo: info })
        .then((next) => state.mutate(next, { revalidate: false }))
        .catch((caught: unknown) => {
          // A lost draft only costs retyping and the form still works, so nothing is said, unless the
          // chat refused it for going too fast: then the error line says so, as it does for messages.
          if (caught instanceof AppError && caught.status === 429) setError(caught.message);
        });
    },
    [client, state],
  );

  const bookTutor = useCallback(
    async (match: TutorMatch, words: string = QUICK.book) => {
      if (client) {
        try {
          await state.mutate(await client.patchState({ pendingMatch: match }), { revalidate: false });
        } catch (caught) {
          setError(caught instanceof Error ? caught.message : "Could not choose that tutor.");
          return false;
        }
      }
      return send(words);
    },
    [client, send, state],
  );

  const loadOlder = useCallback(async () => {
    const first = older[0] ?? state.data?.messages[0];
    if (!client || !first) return;
    const page = await client.listMessages({ before: first.seq, limit: 50 });
    setOlder((current) => [...page.messages, ...current]);
    setOlderHasMore(page.hasMore);
  }, [client, older, state.data]);

  const { mutate: revalidate } = useSWRConfig();
  const switchTo = useCallback(
    (id: string) => {
      rememberSession(id);
      setSessionId(id);
      setOlder([]);
      // A chat reopened from the list (e.g. just restored) is read afresh, never from a cached "gone".
      void revalidate(["chat-state", id]);
    },
    [revalidate],
  );

  const startOver = useCallback(() => {
    forgetSession();
    setSessionId(null);
    setOlder([]);
  }, []);

  const data = sessionId ? state.data : null;
  // The optimistic copy of a message goes once its stored copy has been pushed.
  const stored = new Set(data?.messages.map((message) => message.id));
  const view: ChatView = {
    mode: storageRead && active ? "persistent" : "checking",
    sessionId,
    messages: [...older, ...(data?.messages ?? []), ...pending.filter((message) => !stored.has(message.id))],
    fields: data ?? EMPTY_SESSION_FIELDS,
    hasOlder: older.length > 0 ? olderHasMore : (data?.hasOlder ?? false),
    thinking,
    // A send being retried, or the chat's state failing to reload after it had loaded.
    reconnecting: reconnecting || (loaded && state.error instanceof AppError && state.error.status === 503),
    awaitingReply,
    live,
    savedChats,
    error,
    send,
    saveBookingDraft,
    bookTutor,
    switchTo,
    loadOlder,
    startOver,
    showVote,
  };
  return { view, lost };
}
