"use client";

import { useState } from "react";
import { authorLabel } from "@/lib/message-author";
import { StaffMember } from "@/lib/staff/schemas";
import { z } from "@/lib/zod";
import { StaffApiError, staffApi } from "../staff-api";

const Saved = z.object({ member: StaffMember });

/**
 * The name the member's replies carry in students' chats. Students see a
 * person's reply as "Sam · Tutoring center", never as the assistant's.
 */
export function ReplyName({ initial }: { initial: string }) {
  const [name, setName] = useState(initial);
  const [shown, setShown] = useState(initial);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    setError(null);
    setStatus(null);
    try {
      const { member } = Saved.parse(await staffApi("/api/staff/me/name", { method: "PUT", body: { displayName: name } }));
      const saved = member.displayName ?? name.trim();
      setShown(saved);
      setName(saved);
      setStatus("Saved.");
    } catch (caught) {
      setError(caught instanceof StaffApiError ? caught.summary : caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <form
      className="stack"
      aria-labelledby="reply-name-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2 id="reply-name-title">Your name on replies</h2>
      <p className="subtitle" data-testid="reply-name-preview">
        Students see your replies as “{authorLabel({ kind: "staff", name: shown })}”.
      </p>
      <label htmlFor="reply-name">Your name in students&apos; chats</label>
      <input id="reply-name" maxLength={60} value={name} onChange={(event) => setName(event.target.value)} />
      <button type="submit" className="button secondary" disabled={name.trim() === "" || name.trim() === shown}>
        Save name
      </button>
      {status && <p role="status">{status}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
