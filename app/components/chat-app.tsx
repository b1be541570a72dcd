"use client";

import { Suspense, lazy, useEffect, useRef, useState } from "react";
import useSWR from "swr";
import type { AssistantPersona } from "@/lib/center/persona";
import { DEFAULT_PERSONA, greetingText } from "@/lib/center/persona-defaults";
import { authorLabel, typingLabel } from "@/lib/message-author";
import type { ChatMessage, ReplyVote, SessionFields } from "@/lib/schemas";
import { STARTERS, quickReplyText } from "@/lib/tutoring/commands";
import { useChat } from "./use-chat";

// Loaded when first shown, not with the page (each after an answer from the server): the tutors
// matched or the booking form, a reply's 👍/👎, and the chat list once chats are known to be saved.
// React.lazy rather than next/dynamic, whose own loader would cost the page more than one of these.
const MatchArea = lazy(() => import("./match-area").then((module) => ({ default: module.MatchArea })));
const ReplyFeedback = lazy(() => import("./reply-feedback").then((module) => ({ default: module.ReplyFeedback })));
const ZoneNote = lazy(() => import("./center-time").then((module) => ({ default: module.ZoneNote })));
const ChatHistory = lazy(() => import("./chat-list").then((module) => ({ default: module.ChatHistory })));

/** The center's assistant name and greeting; the defaults until (or unless) the route answers. */
async function fetchPersona(path: string): Promise<AssistantPersona> {
  const [{ AssistantPersona }, body] = await Promise.all([
    import("@/lib/center/persona"),
    fetch(path, { cache: "no-store" }).then((response) => response.json().catch(() => null)),
  ]);
  const parsed = AssistantPersona.safeParse(body);
  return parsed.success ? parsed.data : DEFAULT_PERSONA;
}

export function ChatApp() {
  const chat = useChat();
  const persona = useSWR("/api/assistant/persona", fetchPersona, { revalidateOnFocus: false }).data ?? DEFAULT_PERSONA;
  const named = persona.name !== DEFAULT_PERSONA.name;
  const [draft, setDraft] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end" });
  }, [chat.messages.length, chat.thinking, chat.awaitingReply, chat.live.assistantTyping]);

  // "Typing" means someone is writing an answer right now: this tab waiting on the built-in
  // assistant, a bot or a person holding the message, or (without a live socket) a reply we poll for.
  const typing = chat.thinking || chat.live.assistantTyping || (chat.awaitingReply && chat.live.status !== "open");
  // A person holding the student's message is named; the assistant keeps its persona name.
  const person = !chat.thinking && chat.live.typingAuthor;
  const lastStudentSeq = chat.messages.findLast((message) => message.role === "user")?.seq ?? 0;
  const seen = chat.mode === "persistent" && lastStudentSeq > 0 && chat.live.agentRead >= lastStudentSeq;

  async function submit(text: string) {
    const sent = await chat.send(text);
    if (sent) setDraft("");
    inputRef.current?.focus();
  }

  return (
    <div className="chat-page">
      <section className="chat" aria-labelledby="chat-title" data-testid="chat" data-mode={chat.mode} data-live={chat.live.status}>
        <div className="chat-header">
          <div>
            <h1 id="chat-title">Find a tutor</h1>
            <p className="subtitle" data-testid="assistant-intro">
              {named ? `${persona.name}, an automated assistant,` : "An automated assistant"} matches you with a tutor and books your session.
            </p>
            <Suspense fallback={null}>
              <ZoneNote />
            </Suspense>
          </div>
          <button type="button" className="button secondary" onClick={chat.startOver} data-testid="new-chat">
            New chat
          </button>
        </div>

        {chat.mode === "fallback" && (
          <p className="notice" role="status" data-testid="not-saved-notice">
            <strong>This chat is not being saved.</strong> The chat service is not running, so your conversation lives only in this
            tab and is lost when you reload.
          </p>
        )}

        <div className="messages" role="log" aria-live="polite" aria-label="Conversation" data-testid="message-log" tabIndex={0}>
          {chat.hasOlder && (
            <button type="button" className="button link" onClick={() => void chat.loadOlder()}>
              Show earlier messages
            </button>
          )}
          {chat.messages.length === 0 && chat.mode !== "checking" && (
            <div className="empty">
              <p data-testid="greeting">{greetingText(persona)} Tell me what you need help with, and when.</p>
              <div className="quick-replies">
                {STARTERS.map(({ text }) => (
                  <button key={text} type="button" className="chip" onClick={() => void submit(text)}>
                    {text}
                  </button>
                ))}
              </div>
            </div>
          )}
          {chat.messages.map((message, index) => (
            <MessageBubble
              key={message.id}
              message={message}
              latest={index === chat.messages.length - 1}
              seen={seen && message.seq === lastStudentSeq}
              feedbackIn={chat.mode === "persistent" ? chat.sessionId : null}
              onVoted={chat.showVote}
              assistantName={persona.name}
              onQuickReply={(text) => void submit(quickReplyText(text, chat.messages))}
            />
          ))}
          {typing &&
            (person ? (
              <p className="bubble assistant thinking staff" data-testid="thinking">
                {typingLabel(person)}
              </p>
            ) : (
              <p className="bubble assistant thinking" data-testid="thinking">
                <span className="visually-hidden">{named ? `${persona.name} is typing` : "The assistant is typing"}</span>
                <span aria-hidden="true">…</span>
              </p>
            ))}
          {chat.awaitingReply && !typing && (
            <p className="awaiting" data-testid="awaiting">
              Sent. Waiting for an answer.
            </p>
          )}
          <div ref={endRef} />
        </div>

        {hasMatchArea(chat.fields) && (
          <Suspense fallback={null}>
            <MatchArea chat={chat} />
          </Suspense>
        )}

        {chat.reconnecting && (
          <p className="notice" role="status" data-testid="reconnecting">
            Reconnecting to the chat service…{chat.thinking ? " Your message is kept and re-sent automatically." : ""}
          </p>
        )}
        {chat.error && (
          <p className="error" role="alert">
            {chat.error}
          </p>
        )}

        <form
          className="composer"
          onSubmit={(event) => {
            event.preventDefault();
            void submit(draft);
          }}
        >
          <label htmlFor="chat-input" className="visually-hidden">
            Message
          </label>
          <textarea
            id="chat-input"
            ref={inputRef}
            data-testid="chat-input"
            rows={2}
            maxLength={4000}
            value={draft}
            placeholder="e.g. I need help with Python on Monday at 10"
            onChange={(event) => {
              setDraft(event.target.value);
              chat.live.notifyTyping();
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey) {
                event.preventDefault();
                void submit(draft);
              }
            }}
          />
          <button type="submit" className="button" disabled={chat.thinking || chat.mode === "checking" || draft.trim() === ""} data-testid="send">
            Send
          </button>
        </form>
      </section>
      {chat.mode === "persistent" && (
        <Suspense fallback={null}>
          <ChatHistory currentId={chat.sessionId} onOpen={chat.switchTo} onCurrentDeleted={chat.startOver} refreshKey={chat.savedChats + (chat.messages.length > 0 ? 1 : 0)} />
        </Suspense>
      )}
    </div>
  );
}

/** The tutors matched or the booking form is on screen (match-area.tsx draws whichever). */
function hasMatchArea({ bookingInfo, pendingMatch }: SessionFields): boolean {
  return (bookingInfo !== null && bookingInfo.step !== "cancelled") || pendingMatch !== null;
}

function MessageBubble({
  message,
  latest,
  seen,
  feedbackIn,
  onVoted,
  assistantName,
  onQuickReply,
}: {
  message: ChatMessage;
  latest: boolean;
  /** Read by whoever answers (a bot or a person): shown under the student's last message. */
  seen: boolean;
  /** The saved chat an assistant reply may be rated in (null in the fallback mode, which stores nothing). */
  feedbackIn: string | null;
  /** A vote this tab stored: the chat's state shows it (and keeps it over older snapshots). */
  onVoted: (messageId: string, vote: ReplyVote | null) => void;
  /** How the center names its assistant (lib/center/persona.ts). */
  assistantName: string;
  onQuickReply: (text: string) => void;
}) {
  const who = message.role === "user" ? "You" : assistantName;
  // A person's reply (staff) says whose it is, visibly: it is not the assistant's.
  const author = message.role === "assistant" && message.author ? authorLabel(message.author) : null;
  return (
    <div className={`bubble-row ${message.role}`} data-testid={`message-${message.role}`} data-seq={message.seq} data-message-id={message.id}>
      <p className={`bubble ${message.role}${author ? " staff" : ""}`}>
        {author ? (
          <span className="bubble-author" data-testid="message-author">
            {author}
            <span className="visually-hidden">: </span>
          </span>
        ) : (
          <span className="visually-hidden">{who}: </span>
        )}
        {message.content}
      </p>
      {feedbackIn && message.role === "assistant" && (
        <Suspense fallback={null}>
          <ReplyFeedback sessionId={feedbackIn} messageId={message.id} stored={message.vote ?? null} onVoted={onVoted} />
        </Suspense>
      )}
      {seen && (
        <span className="receipt" data-testid="seen">
          Seen
        </span>
      )}
      {latest && message.quickReplies && message.quickReplies.length > 0 && (
        <div className="quick-replies" role="group" aria-label="Suggested replies">
          {message.quickReplies.map((reply) => (
            <button key={reply} type="button" className="chip" onClick={() => onQuickReply(reply)}>
              {reply}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
