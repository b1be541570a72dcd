"use client";

import { useState } from "react";
import useSWR from "swr";
import { fetchJson } from "@/lib/fetch-json";
import { BookingLinkMoved, BookingLinkMoveOptions, type BookingLinkMoveOption, type BookingLinkView } from "@/lib/mail/manage-link";
import { slotLabel } from "./format";

/**
 * Move, on the page a "Manage this booking" link opens: the tutor's other free times (the coming two
 * weeks, the center's rules), one picked, asked once more, then moved. What happened is said only
 * from the answer: the new time once the move is done, the email only when it was queued.
 */
export function ManagedBookingMove({ url, booking, onMoved }: { url: string; booking: BookingLinkView; onMoved: (status: string) => Promise<unknown> }) {
  const moveUrl = `${url}/move`;
  const { data, error, mutate } = useSWR(moveUrl, async (path: string) => BookingLinkMoveOptions.parse(await fetchJson(path)));
  const [picked, setPicked] = useState<BookingLinkMoveOption | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");

  async function move(to: BookingLinkMoveOption) {
    setBusy(true);
    setProblem("");
    try {
      const body = JSON.stringify({ date: to.date, start: to.start });
      const moved = BookingLinkMoved.parse(await fetchJson(moveUrl, { method: "POST", headers: { "content-type": "application/json" }, body }));
      const email = moved.emailed ? " An update email with the new time and a new link is on its way." : "";
      setConfirming(false);
      setPicked(null);
      await onMoved(`Your session with ${moved.tutorName} is moved to ${slotLabel(moved)}.${email}`);
      await mutate();
    } catch (caught) {
      setProblem(caught instanceof Error ? caught.message : "The booking could not be moved, and nothing changed. Please try again.");
      await mutate();
    } finally {
      setBusy(false);
    }
  }

  if (error) return <p className="subtitle">The other times could not be loaded. Reload the page to try again.</p>;
  if (!data) return <p role="status">Looking for other times…</p>;
  if (!data.movable) return <p className="subtitle" data-testid="managed-move-closed">{data.reason}</p>;
  return (
    <div className="move-booking" data-testid="managed-move">
      <h2>Move to another time</h2>
      {data.options.length === 0 ? (
        <p className="subtitle">{booking.tutorName} has no other free time in the coming two weeks.</p>
      ) : (
        <fieldset disabled={busy}>
          <legend>Other times with {booking.tutorName} in the coming two weeks</legend>
          {data.options.map((option) => (
            <label key={`${option.date}T${option.start}`} className="move-option">
              <input
                type="radio"
                name="move-to"
                checked={picked?.date === option.date && picked.start === option.start}
                onChange={() => {
                  setPicked(option);
                  setConfirming(false);
                }}
                data-testid="managed-move-option"
              />{" "}
              {slotLabel(option)}
            </label>
          ))}
        </fieldset>
      )}
      {problem ? (
        <p className="notice" role="alert" data-testid="managed-move-error">
          {problem}
        </p>
      ) : null}
      {picked && !confirming ? (
        <button type="button" onClick={() => setConfirming(true)} data-testid="managed-move-start">
          Move to this time
        </button>
      ) : null}
      {picked && confirming ? (
        <div className="confirm-move">
          <p>
            Move your session from {slotLabel(booking)} to {slotLabel(picked)}? Your old time goes back to other students.
          </p>
          <button type="button" disabled={busy} onClick={() => move(picked)} data-testid="managed-move-confirm">
            {busy ? "Moving…" : "Yes, move it"}
          </button>{" "}
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Keep the current time
          </button>
        </div>
      ) : null}
    </div>
  );
}
