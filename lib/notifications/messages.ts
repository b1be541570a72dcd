import { formatDate } from "../calendar";
import type { NewNotification } from "./schemas";

/**
 * What the bell says about a booking's events: one key per booking × event
 * (× sequence for events that repeat), so a retried effect adds nothing. Pure;
 * services/notify.ts adds them.
 */

interface SessionFacts {
  bookingId: string;
  date: string;
  start: string;
  /** e.g. "Python" (what the student searched for); absent on older bookings */
  subject?: string | null;
  tutorName?: string;
}

function session(facts: SessionFacts): string {
  const topic = facts.subject ? `${facts.subject} session` : "session";
  const tutor = facts.tutorName ? ` with ${facts.tutorName}` : "";
  return `Your ${topic}${tutor} on ${formatDate(facts.date)} at ${facts.start}`;
}

export function bookingConfirmedNotice(facts: SessionFacts): NewNotification {
  return {
    key: `${facts.bookingId}:booking_confirmed`,
    kind: "booking_confirmed",
    title: "Session booked",
    body: `${session(facts)} is booked.`,
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** `by`: who cancelled; the center's reason is quoted. */
export function bookingCancelledNotice(facts: SessionFacts & { by: "you" | "center"; reason?: string }): NewNotification {
  const why = facts.by === "center" ? ` by the center${facts.reason ? `: “${facts.reason.slice(0, 200)}”` : ""}` : "";
  return {
    key: `${facts.bookingId}:booking_cancelled`,
    kind: "booking_cancelled",
    title: facts.by === "center" ? "Session cancelled by the center" : "Session cancelled",
    body: `${session(facts)} was cancelled${why}.`,
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** A reminder email went out (`mailKey` is that email's key, so each reminder notifies once). */
export function reminderNotice(facts: SessionFacts & { mailKey: string; hoursBefore: number }): NewNotification {
  return {
    key: facts.mailKey,
    kind: "reminder",
    title: facts.hoursBefore >= 24 ? "Session tomorrow" : "Session soon",
    body: `Reminder: ${session(facts)}.`,
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** The booking moved (`movedAt` keys each move: moving back and forth notifies each time). */
export function bookingMovedNotice(facts: SessionFacts & { from: { date: string; start: string }; movedAt: number }): NewNotification {
  return {
    key: `${facts.bookingId}:moved:${facts.movedAt}`,
    kind: "moved",
    title: "Session moved",
    body: `${session(facts)} is booked (moved from ${formatDate(facts.from.date)} at ${facts.from.start}).`,
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** A waitlist offer: the slot is not booked yet; the student books it from the chat the offer opened in. */
export function waitlistOfferNotice(offer: { tutorId: string; tutorName: string; date: string; start: string; until: number; minutes: number }): NewNotification {
  return {
    key: `waitlist:${offer.tutorId}:${offer.date}:${offer.start}:${offer.until}`,
    kind: "waitlist_offer",
    title: "A place opened up",
    body: `${offer.tutorName} on ${formatDate(offer.date)} at ${offer.start} is free and offered to you for ${offer.minutes} minutes. It is not booked yet: say "Book it" in your chat.`,
    href: "/",
  };
}
