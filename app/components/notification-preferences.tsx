"use client";

import { useEffect, useState, type FormEvent } from "react";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { NotificationPreferences, type NotificationPreferencesInput } from "@/lib/notifications/schemas";

async function request(init?: RequestInit): Promise<NotificationPreferences> {
  return NotificationPreferences.parse(await fetchJson("/api/notifications/preferences", init));
}

function hoursText(hours: number): string {
  return hours === 1 ? "1 hour" : hours % 24 === 0 && hours >= 48 ? `${hours / 24} days` : `${hours} hours`;
}

/**
 * Which emails the student gets: confirmations and cancellations (with the calendar invite), and
 * reminders at each of the center's times. Saved with one button; "saved" is said only once the
 * sidecar answered with the stored choices. The bell in the header is not affected by any of it.
 */
export function NotificationPreferencesForm() {
  const [saved, setSaved] = useState<NotificationPreferences | null>(null);
  const [draft, setDraft] = useState<NotificationPreferences | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request().then(
      (loaded) => {
        setSaved(loaded);
        setDraft(loaded);
      },
      (caught: unknown) =>
        setError(caught instanceof AppError && caught.status === 503 ? "Preferences need the chat service, which is not running." : "Your preferences could not be loaded. Please reload the page."),
    );
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setBusy(true);
    setStatus("");
    setError(null);
    const body: NotificationPreferencesInput = {
      changeEmails: draft.changeEmails,
      reminders: draft.reminders,
      reminderHoursOff: draft.reminderHours.filter((entry) => !entry.on).map((entry) => entry.hours),
    };
    try {
      const stored = await request({ method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      setSaved(stored);
      setDraft(stored);
      setStatus("Preferences saved. Reminders follow them for sessions you book from now on.");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Your preferences could not be saved. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  if (!saved || !draft) {
    return error ? <p className="notice" role="status">{error}</p> : <p role="status">Loading your preferences…</p>;
  }
  return (
    <form onSubmit={save} aria-label="Notification preferences" data-testid="notification-preferences">
      <fieldset className="field" disabled={busy}>
        <legend>Booking emails</legend>
        <span className="choice">
          <input id="pref-change-emails" type="checkbox" checked={draft.changeEmails} onChange={(event) => setDraft({ ...draft, changeEmails: event.target.checked })} />
          <label htmlFor="pref-change-emails">Email me when a session is booked or cancelled, with a calendar invite</label>
        </span>
      </fieldset>
      <fieldset className="field" disabled={busy}>
        <legend>Reminder emails</legend>
        <span className="choice">
          <input id="pref-reminders" type="checkbox" checked={draft.reminders} onChange={(event) => setDraft({ ...draft, reminders: event.target.checked })} data-testid="reminders-toggle" />
          <label htmlFor="pref-reminders">Email me reminders before each session I book (never between 9 pm and 8 am at the center)</label>
        </span>
        {draft.reminderHours.length === 0 ? (
          <p className="hint">The center sends no reminders at the moment.</p>
        ) : (
          draft.reminderHours.map((entry) => (
            <span className="choice" key={entry.hours}>
              <input
                id={`pref-reminder-${entry.hours}`}
                type="checkbox"
                checked={entry.on}
                disabled={!draft.reminders}
                onChange={(event) =>
                  setDraft({ ...draft, reminderHours: draft.reminderHours.map((other) => (other.hours === entry.hours ? { ...other, on: event.target.checked } : other)) })
                }
              />
              <label htmlFor={`pref-reminder-${entry.hours}`}>{hoursText(entry.hours)} before</label>
            </span>
          ))
        )}
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        Save preferences
      </button>
      <p role="status" className="history-status" data-testid="preferences-status">
        {status}
      </p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </form>
  );
}
