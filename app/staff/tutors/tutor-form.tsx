"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { StaffTutorDetail, type StaffTutor, type TutorInputDraft } from "@/lib/staff/tutor-schemas";
import { WEEKDAYS } from "@/lib/tutoring/schemas";
import { capitalize } from "@/lib/calendar";
import { ZoneNote } from "../../components/center-time";
import { StaffApiError, staffApi } from "../staff-api";

/** Sends a tutor request; a 4xx becomes a StaffApiError with the server's field issues ("name", "hours.1.start"). */
export async function sendTutor(path: string, method: "POST" | "PUT", body?: unknown): Promise<StaffTutorDetail> {
  return StaffTutorDetail.parse(await staffApi(path, { method, body }));
}

type Range = { key: number; day: string; start: string; end: string };
type Subject = { key: number; name: string };

let nextKey = 0;
const keyed = <T extends object>(value: T) => ({ ...value, key: nextKey++ });

/** The add/edit form: name, bio, email, mode, subjects and weekly hours, with the server's field errors beside each field. */
export function TutorForm({ tutor }: { tutor: StaffTutor | null }) {
  const router = useRouter();
  const [name, setName] = useState(tutor?.name ?? "");
  const [bio, setBio] = useState(tutor?.bio ?? "");
  const [email, setEmail] = useState(tutor?.email ?? "");
  const [mode, setMode] = useState<string>(tutor?.mode ?? "online");
  const [subjects, setSubjects] = useState<Subject[]>(() => (tutor?.subjects ?? [""]).map((subject) => keyed({ name: subject })));
  const [hours, setHours] = useState<Range[]>(() =>
    (tutor?.availability ?? [{ day: "monday", start: "09:00", end: "12:00" }]).map((range) => keyed({ ...range })),
  );
  const [fields, setFields] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());
  const fieldError = (path: string) =>
    fields[path] ? (
      <span id={`${path}-error`} className="field-error">
        {fields[path]}
      </span>
    ) : null;
  const describe = (path: string, hint?: string) => {
    const ids = [hint, fields[path] ? `${path}-error` : undefined].filter(Boolean).join(" ");
    return { "aria-invalid": fields[path] ? true : undefined, "aria-describedby": ids || undefined };
  };

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setStatus(null);
    setError(null);
    const body: TutorInputDraft = {
      name,
      bio,
      email: email.trim(),
      mode: mode as TutorInputDraft["mode"],
      subjects: subjects.map((subject) => subject.name),
      hours: hours.map(({ day, start, end }) => ({ day: day as TutorInputDraft["hours"][number]["day"], start, end })),
    };
    try {
      const saved = tutor ? await sendTutor(`/api/staff/tutors/${tutor.id}`, "PUT", body) : await sendTutor("/api/staff/tutors", "POST", body);
      setFields({});
      if (!tutor) {
        router.push(`/staff/tutors/${saved.tutor.id}?added=1`);
        return;
      }
      setHours(saved.tutor.availability.map((range) => keyed({ ...range })));
      setStatus("Saved. The assistant offers these hours from the next message on.");
      router.refresh();
    } catch (caught) {
      const refused = caught instanceof StaffApiError ? caught : new StaffApiError("The server could not be reached. Nothing was saved; please try again.");
      setFields(refused.fields);
      setError(Object.keys(refused.fields).length > 0 ? "Nothing was saved: check the fields marked below." : refused.message);
      const first = Object.keys(refused.fields).map((path) => document.getElementById(path)).find(Boolean);
      requestAnimationFrame(() => (first ?? form.current?.querySelector<HTMLElement>("[role=alert]"))?.focus());
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} onSubmit={(event) => void save(event)} noValidate data-testid="tutor-form">
      {error && (
        <p className="error" role="alert" tabIndex={-1}>
          {error}
        </p>
      )}
      {status && (
        <p className="notice confirmation" role="status">
          {status}
        </p>
      )}
      <div className="field">
        <label htmlFor="name">Name</label>
        <input id="name" value={name} maxLength={80} onChange={(event) => setName(event.target.value)} autoComplete="off" {...describe("name")} />
        {fieldError("name")}
      </div>
      <div className="field">
        <label htmlFor="bio">Bio</label>
        <textarea id="bio" rows={3} value={bio} onChange={(event) => setBio(event.target.value)} {...describe("bio", "bio-hint")} />
        <span id="bio-hint" className="hint">
          Up to 500 characters; students see it in the directory.
        </span>
        {fieldError("bio")}
      </div>
      <div className="field">
        <label htmlFor="email">Email (optional)</label>
        <input id="email" type="email" value={email} maxLength={254} onChange={(event) => setEmail(event.target.value)} autoComplete="off" {...describe("email", "email-hint")} />
        <span id="email-hint" className="hint">
          The tutor gets a copy of each booking&apos;s confirmation and cancellation, with the calendar invite. Students never see it.
        </span>
        {fieldError("email")}
      </div>
      <div className="field">
        <label htmlFor="mode">Teaches</label>
        <select id="mode" value={mode} onChange={(event) => setMode(event.target.value)} {...describe("mode")}>
          <option value="online">Online</option>
          <option value="in_person">In person</option>
          <option value="both">Online or in person</option>
        </select>
        {fieldError("mode")}
      </div>

      <fieldset className="field">
        <legend>Subjects (1 to 12)</legend>
        {fieldError("subjects")}
        {subjects.map((subject, index) => (
          <div key={subject.key} className="search">
            <label htmlFor={`subjects.${index}`} className="visually-hidden">
              Subject {index + 1}
            </label>
            <input
              id={`subjects.${index}`}
              value={subject.name}
              maxLength={60}
              onChange={(event) => setSubjects(subjects.map((other) => (other.key === subject.key ? { ...other, name: event.target.value } : other)))}
              {...describe(`subjects.${index}`)}
            />
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setSubjects(subjects.filter((other) => other.key !== subject.key));
                focusLater("add-subject");
              }}
            >
              Remove subject {index + 1}
            </button>
            {fieldError(`subjects.${index}`)}
          </div>
        ))}
        <button
          id="add-subject"
          type="button"
          className="button secondary"
          onClick={() => {
            setSubjects([...subjects, keyed({ name: "" })]);
            focusLater(`subjects.${subjects.length}`);
          }}
        >
          Add a subject
        </button>
      </fieldset>

      <fieldset className="field">
        <legend>Weekly hours</legend>
        <p id="hours-hint" className="hint">
          Center time, on the hour or half hour: type 9, 9:30, 2pm or 14:00. Each range at least an hour (one session); ranges on one day may not overlap.
        </p>
        <ZoneNote className="hint zone-note" />
        {fieldError("hours")}
        <ol className="history-list" data-testid="hours">
          {hours.map((range, index) => {
            const update = (patch: Partial<Range>) => setHours(hours.map((other) => (other.key === range.key ? { ...other, ...patch } : other)));
            return (
              <li key={range.key} data-testid="hours-row">
                <span className="field">
                  <label htmlFor={`hours.${index}.day`}>Day {index + 1}</label>
                  <select id={`hours.${index}.day`} value={range.day} onChange={(event) => update({ day: event.target.value })} {...describe(`hours.${index}.day`)}>
                    {WEEKDAYS.map((day) => (
                      <option key={day} value={day}>
                        {capitalize(day)}
                      </option>
                    ))}
                  </select>
                  {fieldError(`hours.${index}.day`)}
                </span>
                <span className="field">
                  <label htmlFor={`hours.${index}.start`}>Start {index + 1}</label>
                  <input
                    id={`hours.${index}.start`}
                    value={range.start}
                    size={6}
                    inputMode="numeric"
                    placeholder="e.g. 9am"
                    onChange={(event) => update({ start: event.target.value })}
                    {...describe(`hours.${index}.start`, "hours-hint")}
                  />
                  {fieldError(`hours.${index}.start`)}
                </span>
                <span className="field">
                  <label htmlFor={`hours.${index}.end`}>End {index + 1}</label>
                  <input
                    id={`hours.${index}.end`}
                    value={range.end}
                    size={6}
                    inputMode="numeric"
                    placeholder="e.g. 9am"
                    onChange={(event) => update({ end: event.target.value })}
                    {...describe(`hours.${index}.end`, "hours-hint")}
                  />
                  {fieldError(`hours.${index}.end`)}
                </span>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    setHours(hours.filter((other) => other.key !== range.key));
                    focusLater("add-range");
                  }}
                >
                  Remove range {index + 1}
                </button>
              </li>
            );
          })}
        </ol>
        <button
          id="add-range"
          type="button"
          className="button secondary"
          onClick={() => {
            setHours([...hours, keyed({ day: "monday", start: "09:00", end: "10:00" })]);
            focusLater(`hours.${hours.length}.day`);
          }}
        >
          Add a weekly range
        </button>
      </fieldset>

      <button type="submit" className="button" disabled={busy}>
        {busy ? "Saving…" : tutor ? "Save changes" : "Add tutor"}
      </button>
    </form>
  );
}
