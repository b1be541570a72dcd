"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { SubjectAlias } from "@/lib/staff/alias-schemas";
import { StaffApiError, staffApi } from "../staff-api";

/**
 * The center's own names for its subjects ("MATH 151" → Calculus I): the assistant reads a student's
 * "MATH 151" as the subject from the next message on. Staff and admins add and remove them.
 */
export function SubjectAliases({ aliases, subjects, canEdit }: { aliases: SubjectAlias[]; subjects: string[]; canEdit: boolean }) {
  const router = useRouter();
  const [alias, setAlias] = useState("");
  const [subject, setSubject] = useState(subjects[0] ?? "");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    setFields({});
    setStatus(null);
    try {
      await action();
      setStatus(done);
      router.refresh();
      return true;
    } catch (caught) {
      if (caught instanceof StaffApiError) {
        setFields(caught.fields);
        setError(caught.message);
      } else {
        setError("The server could not be reached. Nothing was changed.");
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(event: React.FormEvent) {
    event.preventDefault();
    const added = await run(() => staffApi("/api/staff/subject-aliases", { method: "POST", body: { alias, subject } }), `Added “${alias.trim()}” for ${subject}.`);
    if (added) setAlias("");
  }

  return (
    <section aria-labelledby="subject-aliases" className="panel" data-testid="subject-aliases">
      <h2 id="subject-aliases">Subject aliases</h2>
      <p className="subtitle">Course codes and nicknames students use for a subject, such as “MATH 151” for Calculus I. The assistant reads them as the subject.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {status && <p role="status">{status}</p>}
      {aliases.length === 0 ? (
        <p>No aliases yet.</p>
      ) : (
        <table data-testid="subject-alias-list">
          <caption className="visually-hidden">Subject aliases</caption>
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Subject</th>
              {canEdit && <th scope="col">Remove</th>}
            </tr>
          </thead>
          <tbody>
            {aliases.map((row) => (
              <tr key={row.aliasKey}>
                <td>{row.alias}</td>
                <td>{row.subject}</td>
                {canEdit && (
                  <td>
                    <button
                      type="button"
                      className="button secondary"
                      disabled={busy}
                      aria-label={`Remove ${row.alias}`}
                      onClick={() => void run(() => staffApi(`/api/staff/subject-aliases/${encodeURIComponent(row.aliasKey)}`, { method: "DELETE" }), `Removed “${row.alias}”.`)}
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && subjects.length > 0 && (
        <form onSubmit={(event) => void add(event)} className="actions">
          <label htmlFor="alias-name">Alias</label>
          <input id="alias-name" value={alias} onChange={(event) => setAlias(event.target.value)} maxLength={40} required aria-invalid={Boolean(fields.alias)} aria-describedby={fields.alias ? "alias-name-error" : undefined} />
          {fields.alias && (
            <span id="alias-name-error" className="error">
              {fields.alias}
            </span>
          )}
          <label htmlFor="alias-subject">Subject</label>
          <select id="alias-subject" value={subject} onChange={(event) => setSubject(event.target.value)} aria-invalid={Boolean(fields.subject)}>
            {subjects.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          {fields.subject && <span className="error">{fields.subject}</span>}
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : "Add alias"}
          </button>
        </form>
      )}
    </section>
  );
}
