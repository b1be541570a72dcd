"use client";

import { useId, useState } from "react";
import { MAX_CANCEL_REASON_CHARS, MAX_TUTOR_NOTE_CHARS, scheduleActions, type ScheduleBooking } from "@/lib/staff/schedule";
import { z } from "@/lib/zod";
import { MailWithheld } from "@/lib/mail/recipients";
import { staffApi } from "../staff-api";

const Cancelled = z.object({ studentTold: z.boolean(), studentEmailed: z.boolean(), studentEmailWithheld: MailWithheld.optional() });

/** Why no cancellation email goes to the student, when the server said one was withheld. */
const WITHHELD = {
  suppressed: " No email was sent: the student's address asked us to stop emailing it.",
  capped: " No email was sent: the student's address already had today's most emails for an address its owner has not confirmed.",
  unconfirmed: " No email was sent: the student has not confirmed their address yet (it goes once they do).",
} as const;

type Open = "cancel" | "note" | null;

/**
 * What can be done with one session (lib/staff/schedule.ts `scheduleActions`): cancel it
 * (staff and admins, a confirmed one not started yet; asks for the reason the student will
 * read, then confirms), mark attendance (once it has started, unless cancelled; the one
 * recorded shows pressed), and write its note.
 * Each message says only what the server confirmed.
 */
export function BookingActions({ booking, canCancel, onDone }: { booking: ScheduleBooking; canCancel: boolean; onDone: (message: string) => Promise<void> }) {
  const id = useId();
  const [open, setOpen] = useState<Open>(null);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState(booking.tutorNote ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const who = `${booking.studentName}'s session at ${booking.start}`;

  async function act(work: () => Promise<string>) {
    setBusy(true);
    setError(null);
    try {
      const message = await work();
      setOpen(null);
      await onDone(message);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  const cancel = () =>
    act(async () => {
      const answer = Cancelled.parse(await staffApi("/api/staff/schedule/cancel", { body: { bookingId: booking.id, reason } }));
      const { studentTold, studentEmailed, studentEmailWithheld } = answer;
      setReason("");
      const emailed = studentEmailed ? " A cancellation email to the student is on its way." : studentEmailWithheld ? WITHHELD[studentEmailWithheld] : "";
      return studentTold
        ? `Cancelled ${who}. The student's chat says so, with your reason.${emailed}`
        : `Cancelled ${who}, but the student's chat could not take the message (it may be in their trash): tell them another way.${emailed}`;
    });
  const mark = (attendance: "attended" | "no_show") =>
    act(async () => {
      await staffApi("/api/staff/schedule/attendance", { body: { bookingId: booking.id, attendance } });
      return `Marked ${who} as ${attendance === "attended" ? "attended" : "a no-show"}.`;
    });
  const saveNote = () =>
    act(async () => {
      await staffApi("/api/staff/schedule/note", { body: { bookingId: booking.id, note } });
      return note.trim() === "" ? `Cleared the note on ${who}.` : `Saved the note on ${who}.`;
    });

  const { cancel: cancellable, markAttendance: markable } = scheduleActions(booking, canCancel);
  return (
    <div className="schedule-actions">
      {markable && (
        <>
          <button type="button" className="button secondary" disabled={busy} aria-pressed={booking.attendance === "attended"} onClick={() => void mark("attended")}>
            Attended
          </button>
          <button type="button" className="button secondary" disabled={busy} aria-pressed={booking.attendance === "no_show"} onClick={() => void mark("no_show")}>
            No-show
          </button>
        </>
      )}
      <button type="button" className="button secondary" aria-expanded={open === "note"} onClick={() => setOpen(open === "note" ? null : "note")}>
        {booking.tutorNote ? "Edit note" : "Add note"}
      </button>
      {cancellable && (
        <button type="button" className="button secondary" aria-expanded={open === "cancel"} onClick={() => setOpen(open === "cancel" ? null : "cancel")}>
          Cancel session…
        </button>
      )}
      {open === "note" && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void saveNote();
          }}
        >
          <label htmlFor={`${id}-note`}>Session note (staff only, up to {MAX_TUTOR_NOTE_CHARS} characters)</label>
          <textarea id={`${id}-note`} rows={3} maxLength={MAX_TUTOR_NOTE_CHARS} value={note} onChange={(event) => setNote(event.target.value)} />
          <button type="submit" className="button" disabled={busy}>
            Save note
          </button>
        </form>
      )}
      {cancellable && open === "cancel" && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void cancel();
          }}
        >
          <label htmlFor={`${id}-reason`}>Why is it cancelled? The student reads this in their chat.</label>
          <textarea id={`${id}-reason`} rows={2} required maxLength={MAX_CANCEL_REASON_CHARS} value={reason} onChange={(event) => setReason(event.target.value)} />
          <div className="schedule-actions">
            <button type="submit" className="button" disabled={busy || reason.trim() === ""}>
              Confirm cancel
            </button>
            <button type="button" className="button secondary" onClick={() => setOpen(null)}>
              Keep the session
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
