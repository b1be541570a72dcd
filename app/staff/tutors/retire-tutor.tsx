"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { RebookingEntry } from "@/lib/staff/tutor-schemas";
import { slotLabel } from "../../components/format";
import { StaffApiError } from "../staff-api";
import { sendTutor } from "./tutor-form";

/** A retired tutor's sessions still to come: who to rebook, and when. */
export function RebookingList({ entries }: { entries: RebookingEntry[] }) {
  if (entries.length === 0) return <p data-testid="rebooking-none">No sessions still to come: nobody needs rebooking.</p>;
  return (
    <table data-testid="rebooking-list">
      <caption className="visually-hidden">Sessions to rebook</caption>
      <thead>
        <tr>
          <th scope="col">Student</th>
          <th scope="col">Email</th>
          <th scope="col">Date and time</th>
          <th scope="col">Mode</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.bookingId}>
            <td>{entry.studentName}</td>
            <td>{entry.studentEmail}</td>
            <td>{slotLabel(entry)}</td>
            <td>{entry.mode === "in_person" ? "In person" : "Online"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Retire tutor", then a confirmation that says what it does; nothing happens until it is confirmed. */
export function RetireTutor({ tutorId, name }: { tutorId: string; name: string }) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const retireButton = useRef<HTMLButtonElement>(null);

  async function retire() {
    setBusy(true);
    setError(null);
    try {
      await sendTutor(`/api/staff/tutors/${tutorId}/retire`, "POST");
      // The page re-renders as a retired tutor's, with the sessions to rebook.
      router.refresh();
    } catch (caught) {
      setError(caught instanceof StaffApiError ? caught.message : "The server could not be reached. The tutor was not retired.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="retire-heading" className="panel">
      <h2 id="retire-heading">Retire</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {asking ? (
        <div role="group" aria-labelledby="retire-question">
          <p id="retire-question">
            Retire {name}? They will not be offered to students or booked again. Their sessions still to come stay booked and are listed here for
            rebooking.
          </p>
          <button ref={confirmButton} type="button" className="button" disabled={busy} onClick={() => void retire()}>
            {busy ? "Retiring…" : `Yes, retire ${name}`}
          </button>{" "}
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setAsking(false);
              requestAnimationFrame(() => retireButton.current?.focus());
            }}
          >
            Keep {name}
          </button>
        </div>
      ) : (
        <button
          ref={retireButton}
          type="button"
          className="button secondary"
          onClick={() => {
            setAsking(true);
            requestAnimationFrame(() => confirmButton.current?.focus());
          }}
        >
          Retire tutor…
        </button>
      )}
    </section>
  );
}
