"use client";

import { useState } from "react";
import useSWR from "swr";
import { z } from "@/lib/zod";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { BookingSummary } from "@/lib/schemas";
import { lateCancelText } from "@/lib/tutoring/phrasing";
import { EmailWithheld, withheldText } from "@/lib/mail/recipients";
import { modeLabel, slotLabel } from "./format";

const Bookings = z.object({ bookings: z.array(BookingSummary) });
/** The cancel's answer: late when inside the center's cutoff (the cancel still happened). */
const Cancelled = z.object({ lateCancel: z.boolean().optional(), cutoffHours: z.number().optional(), emailedTo: z.string().optional(), emailWithheld: EmailWithheld.optional() });

const STATUS = { confirmed: "Confirmed", cancelled: "Cancelled", ended: "Ended" } as const;

/** Every booking this browser holds, from any chat, each confirmed one with its own cancel. */
export function BookingList() {
  const { data, error, mutate } = useSWR("/api/bookings", async (url: string) => Bookings.parse(await fetchJson(url)).bookings);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  async function cancel(booking: BookingSummary) {
    setBusy(booking.id);
    setStatus("");
    try {
      const answer = Cancelled.safeParse(await fetchJson(`/api/bookings/${encodeURIComponent(booking.id)}/cancel`, { method: "POST" }));
      const late = answer.success && answer.data.lateCancel && answer.data.cutoffHours !== undefined ? ` ${lateCancelText(answer.data.cutoffHours)}` : "";
      // Said only when the sidecar queued the email (its answer names the address), or why none will go.
      const withheld = answer.success && answer.data.emailWithheld ? ` ${withheldText(answer.data.emailWithheld)}` : "";
      const email = answer.success && answer.data.emailedTo ? ` A cancellation email is on its way to ${answer.data.emailedTo}.` : withheld;
      setStatus(`Your session with ${booking.tutorName} is cancelled.${late}${email}`);
      await mutate();
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "The booking could not be cancelled. Please try again.");
    } finally {
      setBusy(null);
    }
  }

  if (error) {
    const offline = error instanceof AppError && error.status === 503;
    return (
      <p className="notice" role="status">
        {offline ? "Bookings need the chat service, which is not running, so none can be shown." : "Your bookings could not be loaded. Please reload the page."}
      </p>
    );
  }
  if (!data) return <p role="status">Loading your bookings…</p>;
  return (
    <>
      <p role="status" className="history-status">
        {status}
      </p>
      {data.length === 0 ? (
        <p>You have no bookings yet. Ask the assistant in the chat to find you a tutor.</p>
      ) : (
        <ul className="history-list" data-testid="booking-list">
          {data.map((booking) => (
            <li key={booking.id} data-testid="booking" data-status={booking.status}>
              <span className="history-title">
                {booking.tutorName} · {slotLabel(booking)} · {modeLabel(booking.mode)}
              </span>
              {booking.reference && (
                <span>
                  Booking number <strong data-testid="booking-reference">{booking.reference}</strong>
                </span>
              )}
              <span>{STATUS[booking.status]}</span>
              {booking.status === "confirmed" && (
                <button
                  type="button"
                  className="button secondary"
                  disabled={busy === booking.id}
                  onClick={() => void cancel(booking)}
                  aria-label={`Cancel the session with ${booking.tutorName} on ${booking.date} at ${booking.start}`}
                >
                  Cancel
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
