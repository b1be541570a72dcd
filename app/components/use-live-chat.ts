"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatSocket, SocketStatus } from "@/lib/chat-socket";
import type { ChatMessage, MessageAuthor, ReplyVote, SessionFields } from "@/lib/schemas";
import type { ServerFrame } from "@/lib/socket-frames";

/** What the page shows of the live side of a chat. */
export interface LiveChat {
  /** `off` until there is a stored chat to watch. */
  status: SocketStatus | "off";
  /** A bot or a person holds the student's message and is writing an answer. */
  assistantTyping: boolean;
  /** Who is writing it, when a person (a staff member): the typing line names them. */
  typingAuthor: MessageAuthor | null;
  /** The newest seq the other side (bot or staff) has read. */
  agentRead: number;
  /** Tell whoever is answering that the student is typing (only sent when staff is watching). */
  notifyTyping(): void;
}

export interface LiveChatHandlers {
  onMessages(messages: ChatMessage[]): void;
  onFields(fields: SessionFields, updatedAt: number): void;
  /** A reply's 👍/👎 changed, in this tab or another (null: cleared). */
  onVote(messageId: string, vote: ReplyVote | null): void;
  /** Reload the state over HTTP; resolves once it is in. */
  onResync(): Promise<void>;
}

/** The part of a chat client the socket needs. */
interface SocketTickets {
  readonly sessionId: string;
  socketTicket(): Promise<{ ticket: string }>;
}

/** How often a student's typing is re-announced while they keep typing. */
const TYPING_EVERY_MS = 3_000;

/**
 * Keeps one socket open per stored chat (see lib/chat-socket.ts) and turns its
 * frames into page state. Reconnects resume from `lastSeq`; nothing here
 * polls: the caller polls only while `status` is `down`.
 */
export function useLiveChat(client: SocketTickets | null, enabled: boolean, lastSeq: number, handlers: LiveChatHandlers): LiveChat {
  const [status, setStatus] = useState<SocketStatus | "off">("off");
  const [typingUntil, setTypingUntil] = useState<number | null>(null);
  const [typingAuthor, setTypingAuthor] = useState<MessageAuthor | null>(null);
  const [agentRead, setAgentRead] = useState(0);
  const [staffWatching, setStaffWatching] = useState(false);
  const socket = useRef<ChatSocket | null>(null);
  const cursor = useRef(lastSeq);
  cursor.current = lastSeq;
  const latest = useRef(handlers);
  latest.current = handlers;
  const lastTypingSent = useRef(0);

  const sessionId = enabled ? (client?.sessionId ?? null) : null;
  useEffect(() => {
    if (!sessionId || !client) return;
    const onFrame = (frame: ServerFrame) => {
      switch (frame.type) {
        case "messages":
          if (frame.messages.some((message) => message.role === "assistant")) setTypingUntil(null);
          return latest.current.onMessages(frame.messages);
        case "state":
          return latest.current.onFields(frame.fields, frame.updatedAt);
        case "vote":
          return latest.current.onVote(frame.messageId, frame.vote);
        case "activity":
          // From receipt, in this browser's own time: its clock need not agree with the server's.
          if (frame.who === "assistant") setTypingUntil(frame.until === null ? null : Date.now() + (frame.forMs ?? frame.until - Date.now()));
          if (frame.who === "assistant") setTypingAuthor(frame.until === null ? null : (frame.author ?? null));
          return;
        case "receipts":
          return setAgentRead(frame.agent);
        case "presence":
          return setStaffWatching(frame.staff > 0);
        case "resync":
        case "gone":
          // Reload over HTTP (a gone chat then reads as gone), then continue from the new cursor.
          void latest.current.onResync().then(() => socket.current?.send({ v: 1, type: "hello", after: cursor.current }));
          return;
        case "error":
          console.warn("[chat socket]", frame.message);
      }
    };
    let live: ChatSocket | null = null;
    let closed = false;
    // The socket's code loads with the first stored chat, not with the page.
    void import("@/lib/chat-socket").then(({ openChatSocket }) => {
      if (closed) return;
      live = openChatSocket({
        sessionId,
        ticket: async () => (await client.socketTicket()).ticket,
        cursor: () => cursor.current,
        onFrame,
        onStatus: setStatus,
      });
      socket.current = live;
    });
    return () => {
      closed = true;
      live?.close();
      socket.current = null;
      setStatus("off");
      setTypingUntil(null);
      setTypingAuthor(null);
      setAgentRead(0);
    };
  }, [client, sessionId]);

  // "Typing" hides itself at its deadline: a lost lease needs no message to end it.
  useEffect(() => {
    if (typingUntil === null) return;
    const timer = setTimeout(() => {
      setTypingUntil(null);
      setTypingAuthor(null);
    }, Math.max(0, typingUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [typingUntil]);

  // Read receipts: the student has seen everything up to lastSeq while the page is visible.
  useEffect(() => {
    if (status !== "open") return;
    const report = () => {
      if (document.visibilityState === "visible") socket.current?.send({ v: 1, type: "read", seq: cursor.current });
    };
    report();
    document.addEventListener("visibilitychange", report);
    return () => document.removeEventListener("visibilitychange", report);
  }, [status, lastSeq]);

  const notifyTyping = useCallback(() => {
    if (!staffWatching || Date.now() - lastTypingSent.current < TYPING_EVERY_MS) return;
    lastTypingSent.current = Date.now();
    socket.current?.send({ v: 1, type: "typing", typing: true });
  }, [staffWatching]);

  return { status, assistantTyping: typingUntil !== null, typingAuthor: typingUntil !== null ? typingAuthor : null, agentRead, notifyTyping };
}

/** The messages with one reply's vote set (null: cleared); the same array when no message has that id. */
export function withVote(messages: ChatMessage[], messageId: string, vote: ReplyVote | null): ChatMessage[] {
  if (!messages.some((message) => message.id === messageId)) return messages;
  return messages.map((message) => {
    if (message.id !== messageId) return message;
    const { vote: _old, ...rest } = message;
    return vote ? { ...rest, vote } : rest;
  });
}

/** Adds pushed messages to a page of messages: by seq, each once, in order. */
export function mergeMessages(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] | null {
  const known = new Set(current.map((message) => message.seq));
  const fresh = incoming.filter((message) => !known.has(message.seq));
  if (fresh.length === 0) return null;
  return [...current, ...fresh].sort((a, b) => a.seq - b.seq);
}
