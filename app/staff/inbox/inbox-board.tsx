"use client";

import { useCallback, useEffect, useState } from "react";
import { inboxStateText } from "@/lib/staff/inbox-state";
import { z } from "@/lib/zod";
import { When } from "../../components/center-time";
import { staffApi } from "../staff-api";

const Waiting = z.object({
  messageId: z.string(),
  sessionId: z.string(),
  content: z.string(),
  createdAt: z.number(),
  handoff: z.boolean(),
});
const Inbox = z.object({ messages: z.array(Waiting), total: z.number(), leased: z.number() });
const Claimed = z.object({
  lease: z.object({ leaseId: z.string(), messageId: z.string(), content: z.string(), leaseExpiresAt: z.number() }),
  transcript: z.array(z.object({ role: z.string(), content: z.string() })),
});
const Dead = z.object({ deadLetters: z.array(z.object({ messageId: z.string(), content: z.string(), attempts: z.number(), diedAt: z.number() })), total: z.number() });
const Replied = z.object({ delivered: z.boolean() });
/** Waiting messages are re-read this often while the page is open (a staff page, not a student's: polling is fine). */
const REFRESH_MS = 15_000;

export function InboxBoard() {
  const [inbox, setInbox] = useState<z.infer<typeof Inbox> | null>(null);
  const [dead, setDead] = useState<z.infer<typeof Dead> | null>(null);
  const [open, setOpen] = useState<z.infer<typeof Claimed> | null>(null);
  const [reply, setReply] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [waiting, unanswered] = await Promise.all([staffApi("/api/staff/inbox"), staffApi("/api/staff/inbox/dead-letters")]);
      setInbox(Inbox.parse(waiting));
      setDead(Dead.parse(unanswered));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  async function claim(messageId: string) {
    setError(null);
    setStatus(null);
    try {
      setOpen(Claimed.parse(await staffApi("/api/staff/inbox/claim", { body: { messageId } })));
      setReply("");
      await refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  async function requeue(messageId: string) {
    setError(null);
    try {
      await staffApi("/api/staff/inbox/requeue", { body: { messageId } });
      setStatus("Back in the inbox.");
      await refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  async function send() {
    if (!open) return;
    setError(null);
    try {
      const { delivered } = Replied.parse(await staffApi("/api/staff/inbox/reply", { body: { messageId: open.lease.messageId, leaseId: open.lease.leaseId, reply } }));
      setOpen(null);
      // Only what happened: a chat in the trash (or unreachable) did not get the reply.
      setStatus(delivered ? "Sent: the reply is in the student's chat." : "Saved, but the student's chat could not take it (it may be in their trash), so they have not seen it.");
      await refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  const waitingText = inboxStateText(inbox && { waiting: inbox.messages.length, leased: inbox.leased }, error !== null);
  return (
    <div className="stack">
      {error && <p className="error" role="alert">{error}</p>}
      {status && <p className="notice" role="status">{status}</p>}
      {open ? (
        <section aria-labelledby="open-message" className="stack" data-testid="open-message">
          <h2 id="open-message">The student wrote</h2>
          <blockquote>{open.lease.content}</blockquote>
          {open.transcript.length > 0 && (
            <details>
              <summary>The chat before it ({open.transcript.length} messages)</summary>
              <ol className="transcript">
                {open.transcript.map((line, index) => (
                  <li key={index}>
                    <strong>{line.role === "user" ? "Student" : "Assistant"}:</strong> {line.content}
                  </li>
                ))}
              </ol>
            </details>
          )}
          <p className="subtitle">
            Yours until <When at={open.lease.leaseExpiresAt} />; after that it goes back to the inbox.
          </p>
          <label htmlFor="staff-reply">Your reply (the student sees it in their chat)</label>
          <textarea id="staff-reply" rows={4} value={reply} onChange={(event) => setReply(event.target.value)} />
          <button type="button" className="button" disabled={reply.trim() === ""} onClick={() => void send()}>
            Send reply
          </button>
        </section>
      ) : null}
      <section aria-labelledby="waiting" aria-busy={inbox === null && error === null}>
        <h2 id="waiting">Waiting{inbox ? ` (${inbox.total})` : ""}</h2>
        <button type="button" className="button secondary" onClick={() => void refresh()}>
          Refresh
        </button>
        {/* Loading is announced; the empty word is read in place (the page's one status says what was done). */}
        {waitingText && (
          <p role={inbox ? undefined : "status"} data-testid="inbox-state">
            {waitingText}
          </p>
        )}
        <ul className="inbox" data-testid="inbox">
          {inbox?.messages.map((message) => (
            <li key={message.messageId} data-testid="inbox-item">
              <p>
                <strong>{message.handoff ? "Message for the center" : "Question for the assistant"}</strong> ·{" "}
                <When at={message.createdAt} />
              </p>
              <p>{message.content}</p>
              <button type="button" className="button" onClick={() => void claim(message.messageId)}>
                Open and answer
              </button>
            </li>
          ))}
        </ul>
      </section>
      {dead && dead.total > 0 && (
        <section aria-labelledby="unanswered">
          <h2 id="unanswered">Nobody answered in time ({dead.total})</h2>
          <p className="subtitle">The student was told their message could not be answered. Put one back to answer it.</p>
          <ul className="inbox" data-testid="dead-letters">
            {dead.deadLetters.map((letter) => (
              <li key={letter.messageId}>
                <p>{letter.content}</p>
                <button type="button" className="button secondary" onClick={() => void requeue(letter.messageId)}>
                  Back to the inbox
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
