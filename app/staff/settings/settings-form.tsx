"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import type { AssistantPersona } from "@/lib/center/persona";
import { CenterSettingsView, type AssistantReader, type CenterSettingsInput } from "@/lib/center/policy";
import { capitalize } from "@/lib/calendar";
import { WEEKDAYS, type Weekday } from "@/lib/tutoring/schemas";
import { StaffApiError, staffApi } from "../staff-api";
import { PersonaFields } from "./persona-fields";
import { ReaderFields } from "./reader-fields";

/** Calls a settings route; the answer is the policy as D1 now holds it, or the route's StaffApiError (message and field issues). */
async function call(path: string, init?: { method: "PUT" | "POST" | "DELETE"; body?: unknown }): Promise<CenterSettingsView> {
  return CenterSettingsView.parse(await staffApi(path, init && { method: init.method, body: init.body ?? {} }));
}

/** Field errors the form shows beside their field; the rest are summed up in the page's one line. */
const FIELD_PATHS = ["persona.name", "persona.greeting", "persona.tone"];

type DayHours = { closed: boolean; open: string; close: string };

/** The form's own copy: numbers as typed (strings), hours per weekday with a closed box. */
interface Draft {
  name: string;
  timeZone: string;
  leadHours: string;
  horizonDays: string;
  weeklyCap: string;
  cancelCutoffHours: string;
  noShowLimit: string;
  noShowWindowDays: string;
  /** "24, 1": hours before a session, comma-separated */
  reminderHours: string;
  hours: Record<Weekday, DayHours>;
  persona: AssistantPersona;
  assistantReader: AssistantReader;
}

function draftOf(policy: CenterSettingsView): Draft {
  const hours = Object.fromEntries(
    WEEKDAYS.map((day) => {
      const found = policy.hours.find((entry) => entry.day === day);
      return [day, found ? { closed: false, open: found.open, close: found.close } : { closed: true, open: "08:00", close: "22:00" }];
    }),
  ) as Record<Weekday, DayHours>;
  return {
    name: policy.name,
    timeZone: policy.timeZone,
    leadHours: String(policy.minLeadMinutes / 60),
    horizonDays: String(policy.horizonDays),
    weeklyCap: policy.weeklyCap === null ? "" : String(policy.weeklyCap),
    cancelCutoffHours: String(policy.cancelCutoffHours),
    noShowLimit: String(policy.noShowLimit),
    noShowWindowDays: String(policy.noShowWindowDays),
    reminderHours: (policy.reminderHours ?? []).join(", "),
    hours,
    persona: policy.persona,
    assistantReader: policy.assistantReader,
  };
}

/** Numbers go as numbers (the server refuses anything else); an empty weekly cap means none; the persona only when edited. */
function inputOf(draft: Draft, stored: AssistantPersona): CenterSettingsInput {
  const persona = draft.persona;
  const edited = persona.name !== stored.name || persona.greeting !== stored.greeting || persona.tone !== stored.tone;
  const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));
  return {
    name: draft.name,
    timeZone: draft.timeZone.trim(),
    minLeadMinutes: Math.round(number(draft.leadHours) * 60),
    horizonDays: number(draft.horizonDays),
    weeklyCap: draft.weeklyCap.trim() === "" ? null : number(draft.weeklyCap),
    cancelCutoffHours: number(draft.cancelCutoffHours),
    noShowLimit: number(draft.noShowLimit),
    noShowWindowDays: number(draft.noShowWindowDays),
    reminderHours: draft.reminderHours.trim() === "" ? [] : draft.reminderHours.split(",").map(number),
    hours: WEEKDAYS.filter((day) => !draft.hours[day].closed).map((day) => ({ day, open: draft.hours[day].open, close: draft.hours[day].close })),
    ...(edited ? { persona } : {}),
    assistantReader: draft.assistantReader,
  };
}

const NUMBERS: { key: "leadHours" | "horizonDays" | "weeklyCap" | "cancelCutoffHours" | "noShowLimit" | "noShowWindowDays"; label: string; unit: string; hint: string }[] = [
  { key: "leadHours", label: "Minimum notice", unit: "hours", hint: "A session must start at least this long after it is booked (0: any time)." },
  { key: "horizonDays", label: "Booking horizon", unit: "days", hint: "How far ahead students may book." },
  { key: "weeklyCap", label: "Sessions per student per week", unit: "sessions", hint: "Monday to Sunday. Leave empty for no limit." },
  { key: "cancelCutoffHours", label: "Cancellation cutoff", unit: "hours", hint: "A cancel later than this before the start counts as late (it still happens)." },
  { key: "noShowLimit", label: "No-show limit", unit: "no-shows", hint: "This many no-shows flag a student on the schedule…" },
  { key: "noShowWindowDays", label: "No-show window", unit: "days", hint: "…within this many days." },
];

export function SettingsForm({ canEdit }: { canEdit: boolean }) {
  const [policy, setPolicy] = useState<CenterSettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  /** The first refused field, focused once the form is enabled again (a disabled field cannot take focus). */
  const refusedField = useRef<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [closedDate, setClosedDate] = useState("");
  const [closedReason, setClosedReason] = useState("");

  useEffect(() => {
    if (busy || !refusedField.current) return;
    document.getElementById(refusedField.current)?.focus();
    refusedField.current = null;
  }, [busy]);

  useEffect(() => {
    call("/api/staff/settings").then(
      (loaded) => {
        setPolicy(loaded);
        setDraft(draftOf(loaded));
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, []);

  /** Runs a change; "saved" is said only once the sidecar answered with the stored policy. */
  async function change(work: () => Promise<CenterSettingsView>, done: string, resetDraft: boolean) {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setStatus("");
    try {
      const saved = await work();
      setPolicy(saved);
      if (resetDraft) setDraft(draftOf(saved));
      setStatus(done);
    } catch (caught) {
      if (!(caught instanceof StaffApiError)) {
        setError(caught instanceof Error ? caught.message : String(caught));
        return;
      }
      const shown = Object.fromEntries(Object.entries(caught.fields).filter(([path]) => FIELD_PATHS.includes(path)));
      const others = caught.issues.filter((issue) => !issue.path || !FIELD_PATHS.includes(issue.path));
      setFieldErrors(shown);
      setError(others.length ? new StaffApiError(caught.message, {}, others).summary : `${caught.message} Nothing was saved: check the fields marked below.`);
      refusedField.current = Object.keys(shown)[0] ?? null;
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    void change(() => call("/api/staff/settings", { method: "PUT", body: inputOf(draft, policy?.persona ?? draft.persona) }), "Settings saved.", true);
  }

  function addClosed(event: FormEvent) {
    event.preventDefault();
    void change(async () => {
      const saved = await call("/api/staff/settings/closed-dates", { method: "POST", body: { date: closedDate, reason: closedReason } });
      setClosedDate("");
      setClosedReason("");
      return saved;
    }, `Closed on ${closedDate}.`, false);
  }

  function removeClosed(date: string) {
    void change(() => call(`/api/staff/settings/closed-dates/${encodeURIComponent(date)}`, { method: "DELETE" }), `Open again on ${date}.`, false);
  }

  const setDay = (day: Weekday, patch: Partial<DayHours>) => setDraft((old) => (old ? { ...old, hours: { ...old.hours, [day]: { ...old.hours[day], ...patch } } } : old));

  if (!policy || !draft) {
    return error ? <p role="alert" className="field-error">{error}</p> : <p role="status">Loading the settings…</p>;
  }
  return (
    <>
      {!canEdit && <p className="notice">Only an admin can change these settings; you can read them.</p>}
      <p role="status" data-testid="settings-status">
        {status}
      </p>
      {error && (
        <p role="alert" className="field-error" data-testid="settings-error">
          {error}
        </p>
      )}
      <form onSubmit={save} aria-label="Center settings">
        <fieldset disabled={!canEdit || busy}>
          <legend>The center</legend>
          <div className="field">
            <label htmlFor="center-name">Name</label>
            <input id="center-name" value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} required maxLength={100} />
          </div>
          <div className="field">
            <label htmlFor="center-zone">Time zone</label>
            <input id="center-zone" value={draft.timeZone} onChange={(event) => setDraft({ ...draft, timeZone: event.target.value })} aria-describedby="center-zone-hint" required />
            <span id="center-zone-hint" className="hint">
              An IANA name, such as America/Los_Angeles: what &ldquo;today&rdquo; and &ldquo;10am&rdquo; mean for students, tutors and staff.
            </span>
          </div>
        </fieldset>
        <PersonaFields persona={draft.persona} errors={fieldErrors} disabled={!canEdit || busy} onChange={(persona) => setDraft({ ...draft, persona })} />
        <ReaderFields
          reader={draft.assistantReader}
          available={policy.modelReaderAvailable}
          disabled={!canEdit || busy}
          onChange={(assistantReader) => setDraft({ ...draft, assistantReader })}
        />
        <fieldset disabled={!canEdit || busy}>
          <legend>Booking policies</legend>
          {NUMBERS.map(({ key, label, unit, hint }) => (
            <div className="field" key={key}>
              <label htmlFor={`policy-${key}`}>
                {label} ({unit})
              </label>
              <input
                id={`policy-${key}`}
                type="number"
                inputMode="numeric"
                min={key === "leadHours" || key === "cancelCutoffHours" ? 0 : 1}
                step={key === "leadHours" ? 0.5 : 1}
                value={draft[key]}
                onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
                aria-describedby={`policy-${key}-hint`}
              />
              <span id={`policy-${key}-hint`} className="hint">
                {hint}
              </span>
            </div>
          ))}
        </fieldset>
        <fieldset disabled={!canEdit || busy}>
          <legend>Reminders</legend>
          <div className="field">
            <label htmlFor="reminder-hours">Reminder emails (hours before the session)</label>
            <input
              id="reminder-hours"
              value={draft.reminderHours}
              onChange={(event) => setDraft({ ...draft, reminderHours: event.target.value })}
              aria-describedby="reminder-hours-hint"
              inputMode="numeric"
              data-testid="reminder-hours"
            />
            <span id="reminder-hours-hint" className="hint">
              Whole hours, comma-separated, at most 4 (for example &ldquo;24, 1&rdquo;); empty: no reminders. Applies to sessions booked from now on; students may turn any of them off.
            </span>
          </div>
        </fieldset>
        <fieldset disabled={!canEdit || busy}>
          <legend>Opening hours</legend>
          {WEEKDAYS.map((day) => (
            <div className="field" key={day} data-testid={`hours-${day}`}>
              <span className="choice">
                <input id={`closed-${day}`} type="checkbox" checked={draft.hours[day].closed} onChange={(event) => setDay(day, { closed: event.target.checked })} />
                <label htmlFor={`closed-${day}`}>Closed on {capitalize(day)}s</label>
              </span>
              {!draft.hours[day].closed && (
                <span className="choice">
                  <label htmlFor={`open-${day}`}>{capitalize(day)} opens</label>
                  <input id={`open-${day}`} type="time" value={draft.hours[day].open} onChange={(event) => setDay(day, { open: event.target.value })} />
                  <label htmlFor={`close-${day}`}>closes</label>
                  <input id={`close-${day}`} type="time" value={draft.hours[day].close} onChange={(event) => setDay(day, { close: event.target.value })} />
                </span>
              )}
            </div>
          ))}
        </fieldset>
        {canEdit && (
          <button type="submit" className="button" disabled={busy}>
            Save settings
          </button>
        )}
      </form>
      <section aria-labelledby="closed-dates">
        <h2 id="closed-dates">Closed dates</h2>
        {policy.closedDates.length === 0 ? (
          <p>No closed dates ahead.</p>
        ) : (
          <ul data-testid="closed-dates">
            {policy.closedDates.map((closed) => (
              <li key={closed.date}>
                {closed.date}
                {closed.reason ? `: ${closed.reason}` : ""}{" "}
                {canEdit && (
                  <button type="button" className="button link" disabled={busy} onClick={() => removeClosed(closed.date)} aria-label={`Remove the closed date ${closed.date}`}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canEdit && (
          <form onSubmit={addClosed} aria-label="Add a closed date">
            <div className="field">
              <label htmlFor="closed-date">Date</label>
              <input id="closed-date" type="date" value={closedDate} onChange={(event) => setClosedDate(event.target.value)} required />
            </div>
            <div className="field">
              <label htmlFor="closed-reason">Reason (students see it)</label>
              <input id="closed-reason" value={closedReason} onChange={(event) => setClosedReason(event.target.value)} maxLength={120} />
            </div>
            <button type="submit" className="button secondary" disabled={busy}>
              Add closed date
            </button>
          </form>
        )}
      </section>
    </>
  );
}
