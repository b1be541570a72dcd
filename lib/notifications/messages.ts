import type { Language } from "../tutoring/schemas";
import { bellPhrasesIn, type BellSession } from "./phrases";
import type { NewNotification } from "./schemas";

/**
 * What the bell says about a booking's events: one key per booking × event
 * (× sequence for events that repeat), so a retried effect adds nothing. Pure;
 * services/notify.ts adds them. Worded in the booking's language (its chat's,
 * bookings.language; English when absent), from lib/notifications/phrases/.
 */

interface SessionFacts extends BellSession {
  bookingId: string;
  /** the booking's language; absent: English */
  language?: Language | null;
}

export function bookingConfirmedNotice(facts: SessionFacts): NewNotification {
  const say = bellPhrasesIn(facts.language);
  return {
    key: `${facts.bookingId}:booking_confirmed`,
    kind: "booking_confirmed",
    title: say.confirmed.title,
    body: say.confirmed.body(say.session(facts)),
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** `by`: who cancelled; the center's reason is quoted. */
export function bookingCancelledNotice(facts: SessionFacts & { by: "you" | "center"; reason?: string }): NewNotification {
  const say = bellPhrasesIn(facts.language);
  const byCenter = facts.by === "center";
  return {
    key: `${facts.bookingId}:booking_cancelled`,
    kind: "booking_cancelled",
    title: say.cancelled.title(byCenter),
    body: say.cancelled.body(say.session(facts), byCenter, facts.reason?.slice(0, 200)),
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** A reminder email went out (`mailKey` is that email's key, so each reminder notifies once). */
export function reminderNotice(facts: SessionFacts & { mailKey: string; hoursBefore: number }): NewNotification {
  const say = bellPhrasesIn(facts.language);
  return {
    key: facts.mailKey,
    kind: "reminder",
    title: say.reminder.title(facts.hoursBefore),
    body: say.reminder.body(say.session(facts)),
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** The booking moved (`movedAt` keys each move: moving back and forth notifies each time). */
export function bookingMovedNotice(facts: SessionFacts & { from: { date: string; start: string }; movedAt: number }): NewNotification {
  const say = bellPhrasesIn(facts.language);
  return {
    key: `${facts.bookingId}:moved:${facts.movedAt}`,
    kind: "moved",
    title: say.moved.title,
    body: say.moved.body(say.session(facts), facts.from.date, facts.from.start),
    href: "/bookings",
    bookingId: facts.bookingId,
  };
}

/** A waitlist offer: the slot is not booked yet; the student books it from the chat the offer opened in (in the language they joined the line in). */
export function waitlistOfferNotice(offer: {
  tutorId: string; tutorName: string; date: string; start: string; until: number; minutes: number; language?: Language | null;
}): NewNotification {
  const say = bellPhrasesIn(offer.language);
  return {
    key: `waitlist:${offer.tutorId}:${offer.date}:${offer.start}:${offer.until}`,
    kind: "waitlist_offer",
    title: say.waitlistOffer.title,
    body: say.waitlistOffer.body(offer),
    href: "/",
  };
}
