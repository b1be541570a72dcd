import { startedCancelText } from "../lib/center/policy";
import { fail, ok, type Result } from "../lib/errors";
import { bookingCancelledNotice } from "../lib/notifications/messages";
import { recordAnalytics, type WaitUntil } from "./analytics";
import { chatSession } from "./assistant-turn";
import { cancelBooking } from "./effects";
import { queueBookingMail, studentEmailOutcome } from "./mail";
import { notifyStudent } from "./notify";

export interface MyBookingCancelled {
  bookingId: string;
  status: "cancelled";
  lateCancel: boolean;
  cutoffHours: number;
  emailedTo?: string;
}

/**
 * A student cancels one of their confirmed bookings from My bookings, whichever chat it was made in:
 * the row (with the waitlist and memory: `cancelBooking`), then the email, the bell, analytics and (live) the chat that made it.
 */
export async function cancelMyBooking(
  env: Env,
  { ownerId, bookingId, now }: { ownerId: string; bookingId: string; now: number },
  waitUntil: WaitUntil,
): Promise<Result<MyBookingCancelled>> {
  const cancelled = await cancelBooking({ db: env.DB, sessionManagers: env.SESSION_MANAGER, waitlists: env.WAITLIST, memory: env, waitUntil, bookingId, ownerId, now });
  if (!cancelled.ok) {
    if (cancelled.reason === "started") return fail("already_started:booking", startedCancelText(cancelled.slot, "student"));
    return fail("not_found:booking", "You have no confirmed booking with that id.");
  }
  const email = studentEmailOutcome(await queueBookingMail(env, bookingId, "cancelled"));
  await notifyStudent(env, ownerId, bookingCancelledNotice({ bookingId, date: cancelled.slot.date, start: cancelled.slot.start, by: "you" }));
  const lateCutoffHours = cancelled.lateCancel ? cancelled.cutoffHours : undefined;
  recordAnalytics(env, [{ type: "booking_cancelled" }, ...(cancelled.lateCancel ? [{ type: "booking_late_cancelled" } as const] : [])], waitUntil, now);
  // The booking stands cancelled even if its chat is in the trash or cannot be told now.
  await chatSession(env, cancelled.sessionId).bookingCancelled(ownerId, bookingId, now, lateCutoffHours).catch(() => undefined);
  return ok({ bookingId, status: "cancelled", lateCancel: cancelled.lateCancel, cutoffHours: cancelled.cutoffHours, ...email });
}
