"use client";

import { useEffect, useState } from "react";
import { HttpChatSessionClient } from "@/lib/http-chat-session-client";
import { AppError } from "@/lib/errors";
import type { ReplyVote } from "@/lib/schemas";

const BUTTONS: { vote: ReplyVote; label: string; icon: string }[] = [
  { vote: "up", label: "This answer helped", icon: "👍" },
  { vote: "down", label: "This answer did not help", icon: "👎" },
];

/**
 * 👍/👎 under one assistant reply of a saved chat. A button shows pressed only
 * once the server has stored the vote; pressing the pressed one again clears it.
 * `stored` is the vote as the chat's state and socket carry it, so a reload or
 * another tab's vote shows here too.
 */
export function ReplyFeedback({
  sessionId,
  messageId,
  stored,
  onVoted,
}: {
  sessionId: string;
  messageId: string;
  stored: ReplyVote | null;
  /** The vote the server stored, for the chat's state (which then passes it back as `stored`). */
  onVoted: (messageId: string, vote: ReplyVote | null) => void;
}) {
  const [vote, setVote] = useState<ReplyVote | null>(stored);
  useEffect(() => setVote(stored), [stored]);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);

  async function rate(next: ReplyVote | null) {
    setBusy(true);
    setFailed(null);
    try {
      const saved = (await new HttpChatSessionClient(sessionId).rateReply(messageId, next)).vote;
      setVote(saved);
      onVoted(messageId, saved);
    } catch (caught) {
      // Too many votes too fast: the server's words say so and when to try again (as the chat's error line does for messages).
      setFailed(caught instanceof AppError && caught.status === 429 ? caught.message : "Your feedback was not saved. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="reply-feedback" role="group" aria-label="Was this answer helpful?" data-testid="reply-feedback">
      {BUTTONS.map((button) => (
        <button
          key={button.vote}
          type="button"
          className="feedback-button"
          aria-label={button.label}
          aria-pressed={vote === button.vote}
          disabled={busy}
          onClick={() => void rate(vote === button.vote ? null : button.vote)}
        >
          <span aria-hidden="true">{button.icon}</span>
        </button>
      ))}
      {failed && (
        <span className="feedback-error" role="status">
          {failed}
        </span>
      )}
    </div>
  );
}
