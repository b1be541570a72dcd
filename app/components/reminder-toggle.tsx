"use client";

import { useState } from "react";
import useSWR from "swr";
import { errorFromHttp } from "@/lib/errors";
import { ReminderPreference } from "@/lib/mail/reminder-preference";

async function request(url: string, init?: RequestInit) {
  const response = await fetch(url, { credentials: "same-origin", ...init });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorFromHttp(response.status, body);
  return ReminderPreference.parse(body);
}

/** The student's reminder opt-out: applies to sessions booked from now on (each booking keeps the choice it was made with). */
export function ReminderToggle() {
  const { data, error, mutate } = useSWR("/api/bookings/reminders", request);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  async function change(remindersOn: boolean) {
    setBusy(true);
    setStatus("");
    try {
      const saved = await request("/api/bookings/reminders", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ remindersOff: !remindersOn }),
      });
      await mutate(saved, { revalidate: false });
      setStatus(saved.remindersOff ? "Reminders are off for sessions you book from now on." : "Reminders are on for sessions you book from now on.");
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "Your choice could not be saved. Please try again.");
    } finally {
      setBusy(false);
    }
  }

  if (error || !data) return null;
  return (
    <div className="reminder-preference">
      <label>
        <input type="checkbox" checked={!data.remindersOff} disabled={busy} onChange={(event) => void change(event.currentTarget.checked)} data-testid="reminders-toggle" />{" "}
        Email me a reminder 24 hours and 1 hour before each session I book (never between 9 pm and 8 am at the center)
      </label>
      <p role="status" className="history-status">
        {status}
      </p>
    </div>
  );
}
