import { startedCancelText } from "../lib/center/policy";
import { fail, ok, type Result } from "../lib/errors";
import type { WaitUntil } from "./analytics";
import { cancelBooking, type BookingEnv } from "./bookings";
import { studentEmailOutcome } from "./mail";

export interface MyBookingCancelled {
  bookingId: string;
  status: "cancelled";
  lateCancel: boolean;
  cutoffHours: number;
  emailedTo?: string;
}

/**
 * A student cancels one of their confirmed bookings from My bookings, whichever chat it was made in:
 * the one cancel (services/bookings.ts), with the chat that made it told live.
 */
export async function cancelMyBooking(
  env: BookingEnv,
  { ownerId, bookingId, now }: { ownerId: string; bookingId: string; now: number },
  waitUntil: WaitUntil,
): Promise<Result<MyBookingCancelled>> {
  const cancelled = await cancelBooking(env, { bookingId, who: { by: "student", ownerId }, now, tellChat: true, waitUntil });
  if (!cancelled.ok) {
    if (cancelled.reason === "started") return fail("already_started:booking", startedCancelText(cancelled.slot, "student"));
    return fail("not_found:booking", "You have no confirmed booking with that id.");
  }
  return ok({ bookingId, status: "cancelled", lateCancel: cancelled.late !== null, cutoffHours: cancelled.cutoffHours ?? 0, ...studentEmailOutcome(cancelled.mail) });
}
