import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { zonedToEpoch } from "../calendar";
import { vtimezone } from "./vtimezone";

/** What an invite says about one booking: the session, who organizes it (the center) and who attends. */
export interface InviteBooking {
  bookingId: string;
  date: string;
  start: string;
  end: string;
  /** The center's IANA zone: DTSTART/DTEND carry it as TZID, with its VTIMEZONE. */
  timeZone: string;
  summary: string;
  description: string;
  location: string;
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
  /** The language of the summary and description, as PRODID names it ("EN", "ES"); English when absent. */
  language?: string;
}

/**
 * An RFC 5545 calendar with one event for the booking. METHOD REQUEST adds or
 * updates it in the attendee's calendar, CANCEL removes it; the UID is the same
 * for every message about one booking, and SEQUENCE orders them (a client
 * ignores a message whose SEQUENCE is lower than the one it holds).
 */
export function bookingInvite(booking: InviteBooking, method: "REQUEST" | "CANCEL", sequence: number, stamp: Date): string {
  // No calendar-level zone: ical-generator would then write DTSTAMP in local time, where RFC 5545 wants UTC.
  const calendar = ical({
    prodId: { company: "tutor-chat", product: "bookings", language: booking.language ?? "EN" },
    method: method === "REQUEST" ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  calendar.createEvent({
    id: uid(booking.bookingId),
    sequence,
    stamp,
    // Wall-clock strings, not Dates: with an event zone ical-generator prints a Date's clock in the
    // runtime's own zone (UTC on Workers), while a string without offset round-trips as written.
    start: `${booking.date}T${booking.start}:00`,
    end: `${booking.date}T${booking.end}:00`,
    timezone: booking.timeZone,
    summary: booking.summary,
    description: booking.description,
    location: booking.location,
    organizer: booking.organizer,
    attendees: booking.attendees.map((attendee) => ({
      ...attendee,
      role: ICalAttendeeRole.REQ,
      rsvp: false,
      status: ICalAttendeeStatus.ACCEPTED,
    })),
    status: method === "REQUEST" ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
  });
  const zone = vtimezone(booking.timeZone, new Date(zonedToEpoch(booking.date, booking.start, booking.timeZone)));
  const text = calendar.toString();
  // The zone's definition goes before the event that names it (RFC 5545 3.6.5).
  return zone ? text.replace("BEGIN:VEVENT", `${zone}\r\nBEGIN:VEVENT`) : text;
}

/** The event's UID: stable per booking, globally unique by the domain-like suffix. */
export function uid(bookingId: string): string {
  return `${bookingId}@tutor-chat.bookings`;
}
