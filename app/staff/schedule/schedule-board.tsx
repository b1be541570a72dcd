"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { ScheduleBooking, ScheduleWeek } from "@/lib/staff/schedule";
import type { StaffRole } from "@/lib/staff/schemas";
import { addDays, formatDate } from "@/lib/calendar";
import { BookingActions } from "./booking-actions";
import { staffApi } from "../staff-api";

/** The week is re-read this often while the page is open, and whenever the tab regains focus. */
const REFRESH_MS = 30_000;

const MODE = { online: "Online", in_person: "In person" } as const;

function weekHref(from: string, tutor: string | null): string {
  return `/staff/schedule?from=${from}${tutor ? `&tutor=${encodeURIComponent(tutor)}` : ""}`;
}

/** What the booking's state is, in words. */
function statusText(booking: ScheduleBooking): string {
  if (booking.status === "cancelled") {
    const who = booking.cancelledBy === "staff" ? " by the center" : booking.cancelledBy === "student" ? " by the student" : "";
    return `Cancelled${who}${booking.lateCancel ? " (late)" : ""}${booking.cancelReason ? `: ${booking.cancelReason}` : ""}`;
  }
  const attendance = booking.attendance === "attended" ? " · attended" : booking.attendance === "no_show" ? " · no-show" : "";
  return `${booking.status === "ended" ? "Ended" : "Confirmed"}${attendance}`;
}

/** The bookings of one day, grouped by tutor in the order they come (by start). */
function byTutor(bookings: ScheduleBooking[]): [string, ScheduleBooking[]][] {
  const groups = new Map<string, ScheduleBooking[]>();
  for (const booking of [...bookings].sort((a, b) => a.tutorName.localeCompare(b.tutorName) || a.start.localeCompare(b.start))) {
    groups.set(booking.tutorName, [...(groups.get(booking.tutorName) ?? []), booking]);
  }
  return [...groups];
}

/** Find a booking by the number the student reads out: the schedule then shows it alone, in its week. */
function FindBooking({ reference }: { reference: string | null }) {
  const router = useRouter();
  const [typed, setTyped] = useState(reference ?? "");
  return (
    <form
      role="search"
      className="schedule-find"
      onSubmit={(event) => {
        event.preventDefault();
        const wanted = typed.trim();
        router.push(wanted ? `/staff/schedule?ref=${encodeURIComponent(wanted)}` : "/staff/schedule");
      }}
    >
      <label htmlFor="schedule-ref">Booking number </label>
      <input id="schedule-ref" value={typed} onChange={(event) => setTyped(event.target.value)} placeholder="K7MQ-2XPD" maxLength={20} autoComplete="off" spellCheck={false} />{" "}
      <button type="submit" className="button secondary">
        Find
      </button>
    </form>
  );
}

export function ScheduleBoard({ from, tutor, reference, role }: { from: string | null; tutor: string | null; reference: string | null; role: StaffRole }) {
  const router = useRouter();
  const [week, setWeek] = useState<ScheduleWeek | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const query = new URLSearchParams();
      if (from) query.set("from", from);
      if (tutor) query.set("tutor", tutor);
      if (reference) query.set("ref", reference);
      // The sidecar's answer (lib/staff/schedule.ts ScheduleWeek); not re-validated: we do not parse our own output.
      // Our own sidecar's answer, typed by the RPC surface (lib/sidecar-api.ts) it passed through.
      setWeek((await staffApi(`/api/staff/schedule?${query}`)) as ScheduleWeek);
      setError(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }, [from, tutor, reference]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener("focus", onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [refresh]);

  const done = useCallback(
    async (message: string) => {
      setStatus(message);
      await refresh();
    },
    [refresh],
  );

  if (!week) {
    return (
      <div className="stack">
        <FindBooking reference={reference} />
        {error ? <p className="error" role="alert">{error}</p> : <p>Loading the week…</p>}
      </div>
    );
  }
  const days = Array.from({ length: 7 }, (_, index) => addDays(week.from, index));
  return (
    <div className="stack">
      {error && <p className="error" role="alert">{error}</p>}
      <p role="status" className="subtitle" data-testid="schedule-status">
        {status ?? ""}
      </p>
      <FindBooking reference={reference} />
      {week.reference && (
        <p data-testid="schedule-found">
          Showing booking {week.reference} only. <Link href={weekHref(week.from, tutor)}>Show the whole week</Link>
        </p>
      )}
      <nav aria-label="Weeks" className="schedule-weeks">
        <Link href={weekHref(addDays(week.from, -7), tutor)}>← Previous week</Link>
        <span>
          {formatDate(week.from)} – {formatDate(week.to)} ({week.timeZone.replace("_", " ")})
        </span>
        <Link href={weekHref(addDays(week.from, 7), tutor)}>Next week →</Link>
      </nav>
      {role !== "tutor" && (
        <p>
          <label htmlFor="schedule-tutor">Tutor </label>
          <select id="schedule-tutor" value={week.tutorId ?? ""} onChange={(event) => router.push(weekHref(week.from, event.target.value || null))}>
            <option value="">All tutors</option>
            {week.tutors.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
        </p>
      )}
      {days.map((day) => {
        const bookings = week.bookings.filter((booking) => booking.date === day);
        const isToday = day === week.today;
        return (
          <section key={day} aria-labelledby={`day-${day}`} className={isToday ? "schedule-day today" : "schedule-day"} data-testid={`day-${day}`}>
            <h2 id={`day-${day}`} aria-current={isToday ? "date" : undefined}>
              {formatDate(day)}
              {isToday ? " · today" : ""}
            </h2>
            {bookings.length === 0 ? (
              <p className="subtitle">No sessions.</p>
            ) : (
              byTutor(bookings).map(([tutorName, sessions]) => (
                <div key={tutorName}>
                  <h3>{tutorName}</h3>
                  <ul className="history-list">
                    {sessions.map((booking) => (
                      <li key={booking.id} data-testid="schedule-booking" className="schedule-booking">
                        <p>
                          <strong>
                            {booking.start}–{booking.end}
                          </strong>{" "}
                          · {booking.studentName} ({booking.studentEmail}) · {MODE[booking.mode]}
                          {booking.reference && (
                            <>
                              {" "}
                              · Booking <span data-testid="booking-reference">{booking.reference}</span>
                            </>
                          )}
                          {booking.flagged && (
                            <span className="badge" data-testid="no-show-flag">
                              {booking.noShows} no-shows in {booking.noShowWindowDays} days
                            </span>
                          )}
                        </p>
                        <p>
                          {booking.subject ? `${booking.subject}: ` : ""}
                          {booking.intake || "no topic given"}
                        </p>
                        <p data-testid="booking-status">{statusText(booking)}</p>
                        {booking.tutorNote && <p>Session note: {booking.tutorNote}</p>}
                        {booking.mailError && (
                          <p className="notice" data-testid="mail-error">
                            Email problem: {booking.mailError}
                          </p>
                        )}
                        <BookingActions booking={booking} canCancel={week.canCancel} onDone={done} />
                      </li>
                    ))}
                  </ul>
                </div>
              ))
            )}
          </section>
        );
      })}
    </div>
  );
}
