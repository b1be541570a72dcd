import { centerOfOwner } from "../lib/center/ids";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../lib/db/schema";
import { isLateCancel, type CenterPolicy } from "../lib/center/policy";
import { addDays, localNow, toClock, toMinutes } from "../lib/calendar";
import { fail, ok, type Result } from "../lib/errors";
import type { BookingLinkMoveBody, BookingLinkMoved, BookingLinkMoveOption, BookingLinkMoveOptions } from "../lib/mail/manage-link";
import { nextFreeHours } from "../lib/tutoring/next-free-hours";
import type { EffectOutcome } from "../lib/tutoring/effect-outcome";
import type { WaitUntil } from "./analytics";
import { moveBooking, type BookingEnv } from "./bookings";
import { bookingTutorId } from "./db/booking-link";
import { createD1Catalog, loadTutors } from "./db/catalog";
import { readCenterPolicy } from "./db/center";
import type { BookingForMail } from "./db/mail";
import { studentEmailOutcome } from "./mail";

/**
 * The "Manage this booking" link's move (services/booking-link.ts names the booking): the times the
 * page offers, and the move itself, which is THE one move (services/bookings.ts `moveBooking`) with
 * the chat that made the booking told live. The times come from the chat's own rule
 * (`nextFreeHours` → `rankTutors` with the center's policy) and the move's UPDATE decides again
 * (services/db/bookable.ts), so a page left open never moves a booking anywhere the rules refuse.
 */

/** The coming two weeks, today included; at most this many times. */
const DAYS_OFFERED = 14;
const MAX_OPTIONS = 20;

const NOT_CONFIRMED = "This booking is not confirmed any more, so it cannot be moved.";

/** The booking's center's (its owner's) policy; closed dates from two days back: today anywhere on earth, as the chat reads them. */
function policyAt(db: D1Database, booking: BookingForMail, now: number): Promise<CenterPolicy> {
  return readCenterPolicy(db, { center: centerOfOwner(booking.ownerId), fromDate: new Date(now - 2 * 86_400_000).toISOString().slice(0, 10) });
}

function tooLateText(cutoffHours: number): string {
  const hours = `${cutoffHours} hour${cutoffHours === 1 ? "" : "s"}`;
  return `This session can't be moved: the center allows changes up to ${hours} before the start, and it starts in less than ${hours}. You can still cancel it, which counts as a late cancellation.`;
}

/**
 * The times the booking may move to: its tutor's free hours for its subject in the coming two weeks,
 * the center's rules applied. Reads: the center's policy (one batch), the tutor (two), their bookings (one).
 */
export async function moveOptionsFor(env: BookingEnv, booking: BookingForMail, now: number): Promise<BookingLinkMoveOptions> {
  if (booking.status !== "confirmed") return { movable: false, reason: NOT_CONFIRMED, options: [] };
  const policy = await policyAt(env.DB, booking, now);
  // The same cutoff the move's UPDATE applies (services/db/reschedule.ts) and the chat's `tooLateToMove` answers.
  if (isLateCancel(policy, booking, new Date(now))) return { movable: false, reason: tooLateText(policy.cancelCutoffHours), options: [] };
  const tutorId = await bookingTutorId(env.DB, { bookingId: booking.id });
  const center = centerOfOwner(booking.ownerId);
  const [tutor] = tutorId ? await loadTutors(drizzle(env.DB, { schema }), { center, ids: [tutorId] }) : [];
  if (!tutor) return { movable: true, options: [] };
  const today = localNow(new Date(now), policy.timeZone);
  const booked = await createD1Catalog(env.DB, { center }).bookedSlots([tutor.id], today.date);
  const wish = { ...(booking.subject ? { skill: booking.subject } : {}), excludeTutorIds: [], date: today.date };
  const last = addDays(today.date, DAYS_OFFERED - 1);
  const options: BookingLinkMoveOption[] = nextFreeHours(tutor, wish, { today, booked, policy: { rules: policy, now: new Date(now) } }, MAX_OPTIONS)
    .map(({ match }) => ({ date: match.slot.date, start: match.slot.start, end: match.slot.end }))
    .filter((slot) => slot.date <= last && !(slot.date === booking.date && slot.start === booking.start))
    .sort((a, b) => (a.date === b.date ? a.start.localeCompare(b.start) : a.date.localeCompare(b.date)));
  return { movable: true, options };
}

/**
 * Moves the booking to `to` with its tutor, as its own student (the owner read from the row): the one
 * move with every effect, the chat told. A retry to the same time finds it done (no second email,
 * bell or chat message). Refusals are the honest reason, as a 4xx.
 */
export async function moveByLink(
  env: BookingEnv,
  input: { booking: BookingForMail; to: BookingLinkMoveBody; now: number; waitUntil?: WaitUntil },
): Promise<Result<BookingLinkMoved>> {
  const { booking, to, now } = input;
  const tutorId = await bookingTutorId(env.DB, { bookingId: booking.id });
  if (!tutorId || booking.status !== "confirmed") return fail("not_found:booking", NOT_CONFIRMED);
  const endMinutes = toMinutes(to.start) + (toMinutes(booking.end) - toMinutes(booking.start));
  if (endMinutes > 24 * 60) return refused({ ok: false, reason: "unavailable" });
  const end = toClock(endMinutes);
  const policy = await policyAt(env.DB, booking, now);
  const moved = await moveBooking(env, {
    bookingId: booking.id,
    ownerId: booking.ownerId,
    to: { tutorId, tutorName: booking.tutorName, date: to.date, start: to.start, end },
    now,
    policy,
    tellChat: true,
    ...(input.waitUntil ? { waitUntil: input.waitUntil } : {}),
  });
  if (!moved.ok) return refused(moved);
  const emailed = studentEmailOutcome(moved.mail ?? null).emailedTo !== undefined;
  return ok({ bookingId: booking.id, status: "confirmed", date: to.date, start: to.start, end, tutorName: booking.tutorName, emailed });
}

/** A refused move as the page shows it: what the rules said, and that nothing changed. */
function refused(outcome: Extract<EffectOutcome, { ok: false }>): Result<never> {
  switch (outcome.reason) {
    case "not_found":
      return fail("not_found:booking", NOT_CONFIRMED);
    case "too_late":
      return fail("conflict:booking", tooLateText(outcome.cutoffHours));
    case "slot_taken":
      return fail("conflict:booking", "That time was just taken by someone else. Nothing changed: your session stays where it was.");
    case "policy":
      return fail("conflict:booking", `${outcome.explanation} Nothing changed: your session stays where it was.`);
    case "weekly_cap":
      return fail("conflict:booking", `You already have ${outcome.cap} session${outcome.cap === 1 ? "" : "s"} that week, the center's limit. Nothing changed.`);
    case "unavailable":
      return fail("conflict:booking", "Your tutor does not offer that time. Nothing changed: your session stays where it was.");
    default:
      return fail("conflict:booking", "The booking could not be moved, and nothing changed. Please reload the page and try again.");
  }
}
