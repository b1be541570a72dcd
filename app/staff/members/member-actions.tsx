"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { StaffRole } from "@/lib/staff/schemas";
import { z } from "@/lib/zod";
import { When } from "../../components/center-time";
import { staffApi, StaffApiError } from "../staff-api";

const ROLE_LABEL = { admin: "Admin", staff: "Staff", tutor: "Tutor" } as const;
const NOT_REACHED = "The server could not be reached. Nothing was changed.";

const Link = z.object({ link: z.string(), expiresAt: z.number() });

/** One action at a time: what it said when done, or why it was refused. */
function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<string>, { refresh = true } = {}) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      setStatus(await action());
      // The page re-renders the member (state, role, passkeys) as the server now has it.
      if (refresh) router.refresh();
    } catch (caught) {
      setError(caught instanceof StaffApiError ? caught.message : NOT_REACHED);
    } finally {
      setBusy(false);
    }
  };
  return { busy, status, error, run };
}

type Member = { id: string; email: string; role: StaffRole; tutorId: string | null; disabled: boolean };

/** A member's changes: role, disable or enable, a new passkey link, each passkey's removal. */
export function MemberActions({ member, passkeys, tutors }: { member: Member; passkeys: { credentialId: string; label: string }[]; tutors: { id: string; name: string }[] }) {
  const { busy, status, error, run } = useAction();
  const [role, setRole] = useState<StaffRole>(member.role);
  const [tutorId, setTutorId] = useState(member.tutorId ?? tutors[0]?.id ?? "");
  const [asking, setAsking] = useState(false);
  const [link, setLink] = useState<z.infer<typeof Link> | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const disableButton = useRef<HTMLButtonElement>(null);
  const base = `/api/staff/members/${encodeURIComponent(member.id)}`;
  const ids = { role: `role-${member.id}`, tutor: `tutor-${member.id}`, question: `disable-${member.id}` };

  const changeRole = () =>
    run(async () => {
      await staffApi(`${base}/role`, { method: "PUT", body: { role, ...(role === "tutor" ? { tutorId } : {}) } });
      return `${member.email} is now ${ROLE_LABEL[role]}, from their next request.`;
    });
  const disable = () =>
    run(async () => {
      await staffApi(`${base}/disable`, { method: "POST" });
      setAsking(false);
      return `${member.email} is disabled and signed out everywhere.`;
    });
  const enable = () =>
    run(async () => {
      await staffApi(`${base}/enable`, { method: "POST" });
      return `${member.email} can sign in again with their passkeys.`;
    });
  const newLink = () =>
    run(
      async () => {
        setLink(Link.parse(await staffApi(`${base}/passkey-link`, { method: "POST" })));
        return "Send this link to them; it works once and adds a passkey to their account, role unchanged.";
      },
      { refresh: false },
    );
  const removePasskey = (credentialId: string) =>
    run(async () => {
      await staffApi(`${base}/passkeys/${encodeURIComponent(credentialId)}`, { method: "DELETE" });
      return "Passkey removed: it signs nobody in, and the sessions it opened have ended.";
    });

  return (
    <div className="stack">
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void changeRole();
        }}
      >
        <label htmlFor={ids.role}>Role</label>
        <select id={ids.role} value={role} onChange={(event) => setRole(event.target.value as StaffRole)}>
          <option value="staff">Staff</option>
          <option value="tutor">Tutor</option>
          <option value="admin">Admin</option>
        </select>
        {role === "tutor" && (
          <>
            <label htmlFor={ids.tutor}>Which tutor</label>
            <select id={ids.tutor} required value={tutorId} onChange={(event) => setTutorId(event.target.value)}>
              {tutors.map((tutor) => (
                <option key={tutor.id} value={tutor.id}>
                  {tutor.name} ({tutor.id})
                </option>
              ))}
            </select>
          </>
        )}
        <button type="submit" className="button secondary" disabled={busy || (role === member.role && (role !== "tutor" || tutorId === member.tutorId))}>
          Change role
        </button>
      </form>

      {passkeys.length > 0 && (
        <ul aria-label={`Passkeys of ${member.email}`}>
          {passkeys.map((passkey, index) => (
            <li key={passkey.credentialId}>
              Passkey {index + 1}: {passkey.label}{" "}
              <button type="button" className="button link" disabled={busy} onClick={() => void removePasskey(passkey.credentialId)}>
                Remove passkey {index + 1}
              </button>
            </li>
          ))}
        </ul>
      )}

      <div className="actions">
        <button type="button" className="button secondary" disabled={busy || member.disabled} onClick={() => void newLink()}>
          New passkey link
        </button>
        {member.disabled ? (
          <button type="button" className="button secondary" disabled={busy} onClick={() => void enable()}>
            Enable
          </button>
        ) : (
          !asking && (
            <button
              ref={disableButton}
              type="button"
              className="button secondary"
              onClick={() => {
                setAsking(true);
                requestAnimationFrame(() => confirmButton.current?.focus());
              }}
            >
              Disable…
            </button>
          )
        )}
      </div>
      {asking && !member.disabled && (
        <div role="group" aria-labelledby={ids.question}>
          <p id={ids.question}>
            Disable {member.email}? They are signed out everywhere at once and cannot sign in until an admin enables them again.
          </p>
          <button ref={confirmButton} type="button" className="button" disabled={busy} onClick={() => void disable()}>
            {busy ? "Disabling…" : `Yes, disable ${member.email}`}
          </button>{" "}
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setAsking(false);
              requestAnimationFrame(() => disableButton.current?.focus());
            }}
          >
            Keep {member.email}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p role="status">
        {status}
        {link && (
          <>
            {" "}
            Until <When at={link.expiresAt} />: <code>{link.link}</code>
          </>
        )}
      </p>
    </div>
  );
}

/** Revokes a pending invite: its link stops working at once. */
export function RevokeInvite({ id, email }: { id: string; email: string }) {
  const { busy, status, error, run } = useAction();
  const [revoked, setRevoked] = useState(false);
  const revoke = () =>
    run(
      async () => {
        await staffApi(`/api/staff/invites/${encodeURIComponent(id)}`, { method: "DELETE" });
        setRevoked(true);
        return "Revoked: this link no longer works.";
      },
      // Stays listed (marked revoked) until the page is loaded again, so the answer stays in view.
      { refresh: false },
    );
  return (
    <div className="actions">
      {!revoked && (
        <button type="button" className="button secondary" disabled={busy} onClick={() => void revoke()} aria-label={`Revoke the invite for ${email}`}>
          Revoke
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p role="status">{status}</p>
    </div>
  );
}
