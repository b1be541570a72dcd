"use client";

import { useState } from "react";
import useSWR from "swr";
import { z } from "@/lib/zod";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { zoneNoteText } from "@/lib/center/time-zone";
import { BookingLinkView } from "@/lib/mail/manage-link";
import { lateCancelText } from "@/lib/tutoring/phrasing";
import { modeLabel, slotLabel } from "./format";
import { ManagedBookingMove } from "./managed-booking-move";

/** The cancel's answer: `emailed` only when the cancellation email was queued (no address: the link may have been forwarded). */
const Cancelled = z.object({ lateCancel: z.boolean(), cutoffHours: z.number(), emailed: z.boolean() });

const STATUS = { confirmed: "Confirmed", cancelled: "Cancelled", ended: "Ended" } as const;

/** One booking, opened from the link in an email: on any device, no cookie; Move and Cancel each ask once more before they happen. */
export function ManagedBooking({ token }: { token: string }) {
  const url = `/api/booking-link/${encodeURIComponent(token)}`;
  const { data, error, mutate } = useSWR(url, async (path: string) => BookingLinkView.parse(await fetchJson(path)));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");

  async function cancel(booking: BookingLinkView) {
    setBusy(true);
    setStatus("");
    try {
      const answer = Cancelled.safeParse(await fetchJson(`${url}/cancel`, { method: "POST" }));
      const late = answer.success && answer.data.lateCancel ? ` ${lateCancelText(answer.data.cutoffHours)}` : "";
      const email = answer.success && answer.data.emailed ? " A cancellation email is on its way." : "";
      setStatus(`Your session with ${booking.tutorName} is cancelled.${late}${email}`);
      setConfirming(false);
      await mutate();
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "The booking could not be cancelled. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  if (error) {
    const message =
      error instanceof AppError && (error.status === 403 || error.status === 410)
        ? error.message
        : error instanceof AppError && error.status === 503
          ? "Bookings need the chat service, which is not running, so this booking cannot be shown."
          : "This booking could not be loaded. Please reload the page.";
    return (
      <p className="notice" role="alert" data-testid="booking-link-error">
        {message}
      </p>
    );
  }
  if (!data) return <p role="status">Loading your booking…</p>;
  return (
    <section data-testid="managed-booking">
      <p className="subtitle">{zoneNoteText(data.timeZone)}</p>
      <dl className="booking-facts">
        <dt>Tutor</dt>
        <dd data-testid="managed-tutor">{data.tutorName}</dd>
        {data.subject ? (
          <>
            <dt>Subject</dt>
            <dd>{data.subject}</dd>
          </>
        ) : null}
        <dt>When</dt>
        <dd data-testid="managed-when">{slotLabel(data)}</dd>
        <dt>Where</dt>
        <dd>{data.mode === "online" ? modeLabel(data.mode) : `In person at ${data.centerName}`}</dd>
        <dt>Booking number</dt>
        <dd data-testid="managed-number">{data.number}</dd>
        <dt>Status</dt>
        <dd data-testid="managed-status">{STATUS[data.status]}</dd>
      </dl>
      <p role="status" className="history-status" data-testid="managed-message">
        {status}
      </p>
      {data.cancellable ? (
        confirming ? (
          <div className="confirm-cancel">
            <p>Cancel this session? The time goes back to other students, and this cannot be undone.</p>
            <button type="button" disabled={busy} onClick={() => cancel(data)} data-testid="managed-cancel-confirm">
              {busy ? "Cancelling…" : "Yes, cancel it"}
            </button>{" "}
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} data-testid="managed-cancel">
            Cancel this session
          </button>
        )
      ) : null}
      {data.status === "confirmed" ? (
        <ManagedBookingMove
          url={url}
          booking={data}
          onMoved={async (said) => {
            setStatus(said);
            await mutate();
          }}
        />
      ) : null}
      <p className="subtitle">
        Booked on another device? <a href="/account">Sign in to see all your bookings</a>
      </p>
      <p className="subtitle">This page opened from the link in your email, which lets anyone who has it manage this booking — don&apos;t forward it.</p>
    </section>
  );
}
